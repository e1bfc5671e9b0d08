import type { TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorCode, notFound } from '@chirp/platform';
import type {
  FollowMutation,
  FollowMutationVariables,
  UnfollowMutation,
  UnfollowMutationVariables,
  UserFollowersQuery,
  UserFollowersQueryVariables,
  UserFollowingQuery,
  UserFollowingQueryVariables,
  UserPostsQuery,
  UserPostsQueryVariables,
} from './generated/operations';
import { operation, type GraphQLRunner, type Operation } from './operation';
import { bearer, errorResponses, followResult, idParams, listOf, pageQuery, post, user, type IdParams, type PageQuery } from './schemas';
import { REST_POST_PAGE, REST_USER_PAGE, restPost, restUser, sendPage, type Page } from './shapes';

const FOLLOW = operation<FollowMutation, FollowMutationVariables>(/* GraphQL */ `
  mutation Follow($id: ID!) {
    follow(userId: $id) { username }
  }
`);

const UNFOLLOW = operation<UnfollowMutation, UnfollowMutationVariables>(/* GraphQL */ `
  mutation Unfollow($id: ID!) {
    unfollow(userId: $id) { username }
  }
`);

const FOLLOWERS = operation<UserFollowersQuery, UserFollowersQueryVariables>(/* GraphQL */ `
  query UserFollowers($id: ID!, $first: Int!, $after: String) {
    user(id: $id) { followers(first: $first, after: $after) { ...RestUserPage } }
  }
  ${REST_USER_PAGE}
`);

const FOLLOWING = operation<UserFollowingQuery, UserFollowingQueryVariables>(/* GraphQL */ `
  query UserFollowing($id: ID!, $first: Int!, $after: String) {
    user(id: $id) { following(first: $first, after: $after) { ...RestUserPage } }
  }
  ${REST_USER_PAGE}
`);

const POSTS = operation<UserPostsQuery, UserPostsQueryVariables>(/* GraphQL */ `
  query UserPosts($id: ID!, $first: Int!, $after: String) {
    user(id: $id) { posts(first: $first, after: $after) { ...RestPostPage } }
  }
  ${REST_POST_PAGE}
`);

type IdRoute = { Params: IdParams };
type PageRoute = { Params: IdParams; Querystring: PageQuery };

const userIdParams = idParams('The user id.');
const userErrors = errorResponses(ErrorCode.BAD_USER_INPUT, ErrorCode.UNAUTHENTICATED, ErrorCode.NOT_FOUND, ErrorCode.RATE_LIMITED);

/** users-api/v1: follows, and a user's followers, following and posts. */
export function usersRoutes(graphql: GraphQLRunner) {
  return async (app: FastifyInstance) => {
    app.post<IdRoute>(
      '/users/:id/follow',
      {
        schema: {
          tags: ['Users'],
          summary: 'Follow a user',
          description: 'Following someone twice is one follow; you cannot follow yourself (400).',
          security: bearer,
          params: userIdParams,
          response: { 200: followResult, ...userErrors },
        },
      },
      async (request) => {
        const data = await graphql.run(request, FOLLOW, { id: request.params.id });
        return { message: `You are now following ${data.follow.username}`, following: true };
      },
    );

    app.post<IdRoute>(
      '/users/:id/unfollow',
      {
        schema: {
          tags: ['Users'],
          summary: 'Stop following a user',
          security: bearer,
          params: userIdParams,
          response: { 200: followResult, ...userErrors },
        },
      },
      async (request) => {
        const data = await graphql.run(request, UNFOLLOW, { id: request.params.id });
        return { message: `You are no longer following ${data.unfollow.username}`, following: false };
      },
    );

    /** One of a user's lists: `page` picks it out of the operation's answer, undefined when there is no such user. */
    function list<TData, TNode>(spec: {
      field: string;
      summary: string;
      order: string;
      item: TSchema;
      operation: Operation<TData, { id: string; first: number; after?: string | null }>;
      page(data: TData): Page<TNode> | undefined;
      toRest(node: TNode): unknown;
    }) {
      app.get<PageRoute>(
        `/users/:id/${spec.field}`,
        {
          schema: {
            tags: ['Users'],
            summary: spec.summary,
            params: userIdParams,
            querystring: pageQuery,
            response: { 200: listOf(spec.item, spec.order), ...userErrors },
          },
        },
        async (request, reply) => {
          const data = await graphql.run(request, spec.operation, { id: request.params.id, first: request.query.limit, after: request.query.cursor });
          const page = spec.page(data);
          if (!page) throw notFound('User not found');
          return sendPage(request, reply, page, spec.toRest, request.query);
        },
      );
    }

    list({
      field: 'followers',
      summary: "A user's followers",
      order: 'Newest followers first.',
      item: user,
      operation: FOLLOWERS,
      page: (data) => data.user?.followers,
      toRest: restUser,
    });
    list({
      field: 'following',
      summary: 'Whom a user follows',
      order: 'Most recently followed first.',
      item: user,
      operation: FOLLOWING,
      page: (data) => data.user?.following,
      toRest: restUser,
    });
    list({ field: 'posts', summary: "A user's posts", order: 'Newest first.', item: post, operation: POSTS, page: (data) => data.user?.posts, toRest: restPost });
  };
}
