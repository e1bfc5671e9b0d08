import type { FastifyInstance } from 'fastify';
import { notFound } from '@chirp/platform';
import type { GraphQLRunner } from './operation';
import { bearer, errorResponses, followResult, idParams, listOf, pageQuery, post, user } from './schemas';
import { pageSelection, POST_FIELDS, restPost, restUser, sendPage, USER_FIELDS, type GraphQLPost, type GraphQLUser, type Page, type PageQuery } from './shapes';

const FOLLOW = 'mutation Follow($id: ID!) { follow(userId: $id) { username } }';
const UNFOLLOW = 'mutation Unfollow($id: ID!) { unfollow(userId: $id) { username } }';
const list = (field: 'followers' | 'following' | 'posts', fields: string) =>
  `query User${field[0]!.toUpperCase()}${field.slice(1)}($id: ID!, $first: Int!, $after: String) { user(id: $id) { ${field}(first: $first, after: $after) { ${pageSelection(fields)} } } }`;

type IdRoute = { Params: { id: string } };
type PageRoute = { Params: { id: string }; Querystring: PageQuery };

const userIdParams = idParams('The user id.');

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
          response: { 200: followResult, ...errorResponses(400, 401, 404, 429) },
        },
      },
      async (request) => {
        const data = await graphql.run<{ follow: { username: string } }>(request, FOLLOW, { id: request.params.id });
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
          response: { 200: followResult, ...errorResponses(400, 401, 404, 429) },
        },
      },
      async (request) => {
        const data = await graphql.run<{ unfollow: { username: string } }>(request, UNFOLLOW, { id: request.params.id });
        return { message: `You are no longer following ${data.unfollow.username}`, following: false };
      },
    );

    const lists = [
      { field: 'followers', summary: "A user's followers", order: 'Newest followers first.', item: user, fields: USER_FIELDS, toRest: restUser },
      { field: 'following', summary: 'Whom a user follows', order: 'Most recently followed first.', item: user, fields: USER_FIELDS, toRest: restUser },
      { field: 'posts', summary: "A user's posts", order: 'Newest first.', item: post, fields: POST_FIELDS, toRest: restPost },
    ] as const;
    for (const { field, summary, order, item, fields, toRest } of lists) {
      const query = list(field, fields);
      app.get<PageRoute>(
        `/users/:id/${field}`,
        {
          schema: {
            tags: ['Users'],
            summary,
            params: userIdParams,
            querystring: pageQuery,
            response: { 200: listOf(item, order), ...errorResponses(400, 401, 404, 429) },
          },
        },
        async (request, reply) => {
          const data = await graphql.run<{ user: Record<string, Page<GraphQLUser & GraphQLPost>> | null }>(request, query, {
            id: request.params.id,
            first: request.query.limit,
            after: request.query.cursor,
          });
          const page = data.user?.[field];
          if (!page) throw notFound('User not found');
          return sendPage(request, reply, page, toRest as (node: GraphQLUser & GraphQLPost) => unknown, request.query);
        },
      );
    }
  };
}
