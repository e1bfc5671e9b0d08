import type { FastifyInstance } from 'fastify';
import { ErrorCode, forbidden, notFound, unauthenticated } from '@chirp/platform';
import type {
  AddCommentMutation,
  AddCommentMutationVariables,
  BookmarkPostMutation,
  BookmarkPostMutationVariables,
  BookmarksQuery,
  BookmarksQueryVariables,
  CommentsQuery,
  CommentsQueryVariables,
  CreatePostMutation,
  CreatePostMutationVariables,
  DeletePostMutation,
  DeletePostMutationVariables,
  FeedQuery,
  FeedQueryVariables,
  LikePostMutation,
  LikePostMutationVariables,
  PostQuery,
  PostQueryVariables,
  UnbookmarkPostMutation,
  UnbookmarkPostMutationVariables,
  UnlikePostMutation,
  UnlikePostMutationVariables,
  UpdatePostMutation,
  UpdatePostMutationVariables,
} from './generated/operations';
import { operation, type GraphQLRunner } from './operation';
import {
  bearer,
  bookmarkResult,
  comment,
  contentBody,
  createPostBody,
  errorResponses,
  idParams,
  likeResult,
  listOf,
  message,
  pageQuery,
  post,
  postWithComments,
  type ContentBody,
  type CreatePostBody,
  type IdParams,
  type PageQuery,
} from './schemas';
import { REST_COMMENT, REST_COMMENT_PAGE, REST_POST, REST_POST_PAGE, restComment, restPost, sendPage } from './shapes';

/** Exported for the benchmark that compares this route with the same operation over /graphql. */
export const FEED = operation<FeedQuery, FeedQueryVariables>(/* GraphQL */ `
  query Feed($first: Int!, $after: String) {
    me { feed(first: $first, after: $after) { ...RestPostPage } }
  }
  ${REST_POST_PAGE}
`);

const CREATE = operation<CreatePostMutation, CreatePostMutationVariables>(/* GraphQL */ `
  mutation CreatePost($content: String!) {
    createPost(input: { content: $content }) { ...RestPost }
  }
  ${REST_POST}
`);

const GET = operation<PostQuery, PostQueryVariables>(/* GraphQL */ `
  query Post($id: ID!) {
    post(id: $id) { ...RestPost comments { ...RestCommentPage } }
  }
  ${REST_POST}
  ${REST_COMMENT_PAGE}
`);

const UPDATE = operation<UpdatePostMutation, UpdatePostMutationVariables>(/* GraphQL */ `
  mutation UpdatePost($id: ID!, $content: String!) {
    updatePost(id: $id, input: { content: $content }) { ...RestPost }
  }
  ${REST_POST}
`);

const DELETE = operation<DeletePostMutation, DeletePostMutationVariables>(/* GraphQL */ `
  mutation DeletePost($id: ID!) {
    deletePost(id: $id)
  }
`);

const ADD_COMMENT = operation<AddCommentMutation, AddCommentMutationVariables>(/* GraphQL */ `
  mutation AddComment($id: ID!, $content: String!) {
    addComment(postId: $id, input: { content: $content }) { ...RestComment }
  }
  ${REST_COMMENT}
`);

const COMMENTS = operation<CommentsQuery, CommentsQueryVariables>(/* GraphQL */ `
  query Comments($id: ID!, $first: Int!, $after: String) {
    post(id: $id) { comments(first: $first, after: $after) { ...RestCommentPage } }
  }
  ${REST_COMMENT_PAGE}
`);

const LIKE = operation<LikePostMutation, LikePostMutationVariables>(/* GraphQL */ `
  mutation LikePost($id: ID!) {
    likePost(postId: $id) { likeCount }
  }
`);

const UNLIKE = operation<UnlikePostMutation, UnlikePostMutationVariables>(/* GraphQL */ `
  mutation UnlikePost($id: ID!) {
    unlikePost(postId: $id) { likeCount }
  }
`);

const BOOKMARK = operation<BookmarkPostMutation, BookmarkPostMutationVariables>(/* GraphQL */ `
  mutation BookmarkPost($id: ID!) {
    bookmarkPost(postId: $id) { id }
  }
`);

const UNBOOKMARK = operation<UnbookmarkPostMutation, UnbookmarkPostMutationVariables>(/* GraphQL */ `
  mutation UnbookmarkPost($id: ID!) {
    unbookmarkPost(postId: $id) { id }
  }
`);

const BOOKMARKS = operation<BookmarksQuery, BookmarksQueryVariables>(/* GraphQL */ `
  query Bookmarks($first: Int!, $after: String) {
    me { bookmarks(first: $first, after: $after) { ...RestPostPage } }
  }
  ${REST_POST_PAGE}
`);

type IdRoute = { Params: IdParams };
type ContentRoute = { Params: IdParams; Body: ContentBody };
type PageRoute = { Params: IdParams; Querystring: PageQuery };

const postIdParams = idParams('The post id.');

/** posts-api/v1: the feed, posts, comments, likes and bookmarks. */
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
          response: { 200: listOf(post, 'Newest first.'), ...errorResponses(ErrorCode.BAD_USER_INPUT, ErrorCode.UNAUTHENTICATED, ErrorCode.RATE_LIMITED) },
        },
      },
      async (request, reply) => {
        const data = await graphql.run(request, FEED, { first: request.query.limit, after: request.query.cursor });
        if (!data.me) throw unauthenticated();
        return sendPage(request, reply, data.me.feed, restPost, request.query);
      },
    );

    app.post<{ Body: CreatePostBody }>(
      '/posts',
      {
        schema: {
          tags: ['Posts'],
          summary: 'Create a post',
          description: 'The author is the signed-in user; an `authorId` naming anyone else is refused (403).',
          security: bearer,
          body: createPostBody,
          response: {
            201: { description: 'Created.', ...post },
            ...errorResponses(ErrorCode.BAD_USER_INPUT, ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN, ErrorCode.RATE_LIMITED),
          },
        },
      },
      async (request, reply) => {
        const context = await graphql.contextOf(request);
        const { authorId } = request.body;
        if (context.viewer && authorId !== undefined && authorId.toLowerCase() !== context.viewer.id) {
          throw forbidden('authorId must be the signed-in user');
        }
        const data = await graphql.execute(context, CREATE, { content: request.body.content });
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
          response: { 200: postWithComments, ...errorResponses(ErrorCode.UNAUTHENTICATED, ErrorCode.NOT_FOUND, ErrorCode.RATE_LIMITED) },
        },
      },
      async (request) => {
        const data = await graphql.run(request, GET, { id: request.params.id });
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
          response: {
            200: post,
            ...errorResponses(ErrorCode.BAD_USER_INPUT, ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN, ErrorCode.NOT_FOUND, ErrorCode.RATE_LIMITED),
          },
        },
      },
      async (request) => {
        const data = await graphql.run(request, UPDATE, { id: request.params.id, content: request.body.content });
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
          response: {
            200: message,
            ...errorResponses(ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN, ErrorCode.NOT_FOUND, ErrorCode.RATE_LIMITED),
          },
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
          response: {
            201: comment,
            ...errorResponses(ErrorCode.BAD_USER_INPUT, ErrorCode.UNAUTHENTICATED, ErrorCode.NOT_FOUND, ErrorCode.RATE_LIMITED),
          },
        },
      },
      async (request, reply) => {
        const data = await graphql.run(request, ADD_COMMENT, { id: request.params.id, content: request.body.content });
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
          response: {
            200: listOf(comment, 'Oldest first.'),
            ...errorResponses(ErrorCode.BAD_USER_INPUT, ErrorCode.UNAUTHENTICATED, ErrorCode.NOT_FOUND, ErrorCode.RATE_LIMITED),
          },
        },
      },
      async (request, reply) => {
        const data = await graphql.run(request, COMMENTS, { id: request.params.id, first: request.query.limit, after: request.query.cursor });
        if (!data.post) throw notFound('Post not found');
        return sendPage(request, reply, data.post.comments, restComment, request.query);
      },
    );

    for (const path of ['/posts/:id/like', '/posts/:id/likes']) {
      const alias = path.endsWith('likes') ? ' (alias)' : '';
      const likeErrors = errorResponses(ErrorCode.UNAUTHENTICATED, ErrorCode.NOT_FOUND, ErrorCode.RATE_LIMITED);
      app.post<IdRoute>(
        path,
        {
          schema: {
            tags: ['Likes'],
            summary: `Like a post${alias}`,
            description: 'Liking a post twice is one like.',
            security: bearer,
            params: postIdParams,
            response: { 200: likeResult, ...likeErrors },
          },
        },
        async (request) => {
          const data = await graphql.run(request, LIKE, { id: request.params.id });
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
            response: { 200: likeResult, ...likeErrors },
          },
        },
        async (request) => {
          const data = await graphql.run(request, UNLIKE, { id: request.params.id });
          return { message: 'Like removed', liked: false, likeCount: data.unlikePost.likeCount };
        },
      );
    }

    const bookmarkErrors = errorResponses(ErrorCode.UNAUTHENTICATED, ErrorCode.NOT_FOUND, ErrorCode.RATE_LIMITED);
    app.post<IdRoute>(
      '/posts/:id/bookmark',
      {
        schema: {
          tags: ['Bookmarks'],
          summary: 'Bookmark a post',
          description: 'Bookmarking a post twice is one bookmark.',
          security: bearer,
          params: postIdParams,
          response: { 200: bookmarkResult, ...bookmarkErrors },
        },
      },
      async (request) => {
        await graphql.run(request, BOOKMARK, { id: request.params.id });
        return { message: 'Post bookmarked', bookmarked: true };
      },
    );
    app.delete<IdRoute>(
      '/posts/:id/bookmark',
      {
        schema: {
          tags: ['Bookmarks'],
          summary: 'Remove your bookmark',
          description: 'Removing a bookmark that is not there changes nothing.',
          security: bearer,
          params: postIdParams,
          response: { 200: bookmarkResult, ...bookmarkErrors },
        },
      },
      async (request) => {
        await graphql.run(request, UNBOOKMARK, { id: request.params.id });
        return { message: 'Bookmark removed', bookmarked: false };
      },
    );

    app.get<{ Querystring: PageQuery }>(
      '/bookmarks',
      {
        schema: {
          tags: ['Bookmarks'],
          summary: 'Your bookmarks',
          description: 'The posts the signed-in user has bookmarked; a deleted post leaves the list.',
          security: bearer,
          querystring: pageQuery,
          response: {
            200: listOf(post, 'Most recently bookmarked first.'),
            ...errorResponses(ErrorCode.BAD_USER_INPUT, ErrorCode.UNAUTHENTICATED, ErrorCode.RATE_LIMITED),
          },
        },
      },
      async (request, reply) => {
        const data = await graphql.run(request, BOOKMARKS, { first: request.query.limit, after: request.query.cursor });
        if (!data.me) throw unauthenticated();
        return sendPage(request, reply, data.me.bookmarks, restPost, request.query);
      },
    );
  };
}
