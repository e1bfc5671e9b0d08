import type { FastifyInstance } from 'fastify';
import { forbidden, notFound, unauthenticated } from '@chirp/platform';
import type { GraphQLRunner } from './operation';
import {
  bearer,
  comment,
  contentBody,
  errorResponses,
  idParams,
  likeResult,
  listOf,
  message,
  pageQuery,
  post,
  postWithComments,
} from './schemas';
import {
  COMMENT_FIELDS,
  pageSelection,
  POST_FIELDS,
  restComment,
  restPost,
  sendPage,
  type GraphQLComment,
  type GraphQLPost,
  type Page,
  type PageQuery,
} from './shapes';


const FEED = `query Feed($first: Int!, $after: String) { me { feed(first: $first, after: $after) { ${pageSelection(POST_FIELDS)} } } }`;
const CREATE = `mutation CreatePost($content: String!) { createPost(input: { content: $content }) { ${POST_FIELDS} } }`;
const GET = `query Post($id: ID!) { post(id: $id) { ${POST_FIELDS} comments { ${pageSelection(COMMENT_FIELDS)} } } }`;
const UPDATE = `mutation UpdatePost($id: ID!, $content: String!) { updatePost(id: $id, input: { content: $content }) { ${POST_FIELDS} } }`;
const DELETE = 'mutation DeletePost($id: ID!) { deletePost(id: $id) }';
const ADD_COMMENT = `mutation AddComment($id: ID!, $content: String!) { addComment(postId: $id, input: { content: $content }) { ${COMMENT_FIELDS} } }`;
const COMMENTS = `query Comments($id: ID!, $first: Int!, $after: String) { post(id: $id) { comments(first: $first, after: $after) { ${pageSelection(COMMENT_FIELDS)} } } }`;
const LIKE = 'mutation LikePost($id: ID!) { likePost(postId: $id) { likeCount } }';
const UNLIKE = 'mutation UnlikePost($id: ID!) { unlikePost(postId: $id) { likeCount } }';

type IdRoute = { Params: { id: string } };
type ContentRoute = { Params: { id: string }; Body: { content: string } };
type PageRoute = { Params: { id: string }; Querystring: PageQuery };

const postIdParams = idParams('The post id.');

/** posts-api/v1: the feed, posts, comments and likes. */
export function postsRoutes(graphql: GraphQLRunner) {
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: PageQuery }>(
      '/feed',
      {
        schema: {
          tags: ['Posts'],
          summary: 'Home feed',
          description: 'Posts by the signed-in user and everyone they follow, newest first.',
          security: bearer,
          querystring: pageQuery,
          response: { 200: listOf(post, 'Newest first.'), ...errorResponses(400, 401, 429) },
        },
      },
      async (request, reply) => {
        const data = await graphql.run<{ me: { feed: Page<GraphQLPost> } | null }>(request, FEED, {
          first: request.query.limit,
          after: request.query.cursor,
        });
        if (!data.me) throw unauthenticated();
        return sendPage(request, reply, data.me.feed, restPost, request.query);
      },
    );

    app.post<{ Body: { content: string; authorId?: string } }>(
      '/posts',
      {
        schema: {
          tags: ['Posts'],
          summary: 'Create a post',
          description: 'The author is the signed-in user; an `authorId` naming anyone else is refused (403).',
          security: bearer,
          body: {
            ...contentBody,
            properties: { ...contentBody.properties, authorId: { type: 'string', maxLength: 24, description: 'Optional; must be the signed-in user.' } },
          },
          response: { 201: { description: 'Created.', ...post }, ...errorResponses(400, 401, 403, 429) },
        },
      },
      async (request, reply) => {
        const context = await graphql.contextOf(request);
        const { authorId } = request.body;
        if (context.viewer && authorId !== undefined && authorId.toLowerCase() !== context.viewer.id) {
          throw forbidden('authorId must be the signed-in user');
        }
        const data = await graphql.execute<{ createPost: GraphQLPost }>(context, CREATE, { content: request.body.content });
        return reply.code(201).send(restPost(data.createPost));
      },
    );

    app.get<IdRoute>(
      '/posts/:id',
      {
        schema: {
          tags: ['Posts'],
          summary: 'A post, with the first page of its comments',
          params: postIdParams,
          response: { 200: postWithComments, ...errorResponses(401, 404, 429) },
        },
      },
      async (request) => {
        const data = await graphql.run<{ post: (GraphQLPost & { comments: Page<GraphQLComment> }) | null }>(request, GET, {
          id: request.params.id,
        });
        if (!data.post) throw notFound('Post not found');
        const { comments, ...found } = data.post;
        return { ...restPost(found), comments: comments.edges.map((edge) => restComment(edge.node)) };
      },
    );

    app.put<ContentRoute>(
      '/posts/:id',
      {
        schema: {
          tags: ['Posts'],
          summary: 'Edit a post',
          description: 'Only its author may edit a post; the edit sets `editedAt`.',
          security: bearer,
          params: postIdParams,
          body: contentBody,
          response: { 200: post, ...errorResponses(400, 401, 403, 404, 429) },
        },
      },
      async (request) => {
        const data = await graphql.run<{ updatePost: GraphQLPost }>(request, UPDATE, {
          id: request.params.id,
          content: request.body.content,
        });
        return restPost(data.updatePost);
      },
    );

    app.delete<IdRoute>(
      '/posts/:id',
      {
        schema: {
          tags: ['Posts'],
          summary: 'Delete a post',
          description: 'Only its author may delete a post; its comments and likes go with it.',
          security: bearer,
          params: postIdParams,
          response: { 200: message, ...errorResponses(401, 403, 404, 429) },
        },
      },
      async (request) => {
        await graphql.run(request, DELETE, { id: request.params.id });
        return { message: 'Post deleted' };
      },
    );

    app.post<ContentRoute>(
      '/posts/:id/comments',
      {
        schema: {
          tags: ['Comments'],
          summary: 'Comment on a post',
          security: bearer,
          params: postIdParams,
          body: contentBody,
          response: { 201: comment, ...errorResponses(400, 401, 404, 429) },
        },
      },
      async (request, reply) => {
        const data = await graphql.run<{ addComment: GraphQLComment }>(request, ADD_COMMENT, {
          id: request.params.id,
          content: request.body.content,
        });
        return reply.code(201).send(restComment(data.addComment));
      },
    );

    app.get<PageRoute>(
      '/posts/:id/comments',
      {
        schema: {
          tags: ['Comments'],
          summary: "A post's comments",
          params: postIdParams,
          querystring: pageQuery,
          response: { 200: listOf(comment, 'Oldest first.'), ...errorResponses(400, 401, 404, 429) },
        },
      },
      async (request, reply) => {
        const data = await graphql.run<{ post: { comments: Page<GraphQLComment> } | null }>(request, COMMENTS, {
          id: request.params.id,
          first: request.query.limit,
          after: request.query.cursor,
        });
        if (!data.post) throw notFound('Post not found');
        return sendPage(request, reply, data.post.comments, restComment, request.query);
      },
    );

    for (const path of ['/posts/:id/like', '/posts/:id/likes']) {
      const alias = path.endsWith('likes') ? ' (alias)' : '';
      app.post<IdRoute>(
        path,
        {
          schema: {
            tags: ['Likes'],
            summary: `Like a post${alias}`,
            description: 'Liking a post twice is one like.',
            security: bearer,
            params: postIdParams,
            response: { 200: likeResult, ...errorResponses(401, 404, 429) },
          },
        },
        async (request) => {
          const data = await graphql.run<{ likePost: { likeCount: number } }>(request, LIKE, { id: request.params.id });
          return { message: 'Post liked', liked: true, likeCount: data.likePost.likeCount };
        },
      );
      app.delete<IdRoute>(
        path,
        {
          schema: {
            tags: ['Likes'],
            summary: `Remove your like${alias}`,
            description: 'Removing a like that is not there changes nothing.',
            security: bearer,
            params: postIdParams,
            response: { 200: likeResult, ...errorResponses(401, 404, 429) },
          },
        },
        async (request) => {
          const data = await graphql.run<{ unlikePost: { likeCount: number } }>(request, UNLIKE, { id: request.params.id });
          return { message: 'Like removed', liked: false, likeCount: data.unlikePost.likeCount };
        },
      );
    }
  };
}
