import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RestCommentFragment, RestPostFragment, RestProfileFragment, RestUserFragment } from './generated/operations';
import type { PageQuery, RestComment, RestPost, RestProfile, RestUser } from './schemas';

/**
 * The GraphQL selections behind the REST shapes, one fragment per shape and
 * per page of it, and the mapping from what they select (the types `npm run
 * codegen` generates) into the REST schemas' types.
 */
export const REST_POST = /* GraphQL */ `
  fragment RestPost on Post {
    id
    content
    author { id username name }
    createdAt
    updatedAt
    editedAt
    likeCount
    commentCount
    likedByViewer
  }
`;

export const REST_COMMENT = /* GraphQL */ `
  fragment RestComment on Comment {
    id
    content
    author { id username name }
    post { id }
    createdAt
  }
`;

export const REST_USER = /* GraphQL */ `
  fragment RestUser on User {
    id
    username
    name
    createdAt
  }
`;

export const REST_PROFILE = /* GraphQL */ `
  fragment RestProfile on User {
    ...RestUser
    bio
    email
  }
  ${REST_USER}
`;

export const REST_POST_PAGE = /* GraphQL */ `
  fragment RestPostPage on PostConnection {
    edges { node { ...RestPost } }
    pageInfo { hasNextPage endCursor }
  }
  ${REST_POST}
`;

export const REST_COMMENT_PAGE = /* GraphQL */ `
  fragment RestCommentPage on CommentConnection {
    edges { node { ...RestComment } }
    pageInfo { hasNextPage endCursor }
  }
  ${REST_COMMENT}
`;

export const REST_USER_PAGE = /* GraphQL */ `
  fragment RestUserPage on UserConnection {
    edges { node { ...RestUser } }
    pageInfo { hasNextPage endCursor }
  }
  ${REST_USER}
`;

export function restPost({ likedByViewer, ...post }: RestPostFragment): RestPost {
  return { ...post, likedByMe: likedByViewer };
}

export function restComment({ post, ...comment }: RestCommentFragment): RestComment {
  return { ...comment, postId: post.id };
}

/** Email appears only where GraphQL gave it, that is to its owner. */
export function restUser({ email, ...user }: RestUserFragment & { email?: string | null }): RestUser {
  return email ? { ...user, email } : user;
}

/** The graph shows an account's e-mail to its owner, who is the only one asking for a profile. */
export function restProfile({ email, ...profile }: RestProfileFragment): RestProfile {
  if (email === null) throw new Error('the graph withheld the e-mail of the signed-in user from its owner');
  return { ...profile, email };
}

export interface Page<T> {
  edges: { node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

/**
 * Sends one page as a plain array, as the original API did, with the next
 * page's absolute URL in a Link header (as GitHub and Mastodon do) while there is one.
 */
export function sendPage<T, R>(request: FastifyRequest, reply: FastifyReply, page: Page<T>, toRest: (node: T) => R, query: PageQuery): R[] {
  if (page.pageInfo.hasNextPage && page.pageInfo.endCursor) {
    const next = new URL(request.url, `${request.protocol}://${request.host}`);
    next.searchParams.set('limit', String(query.limit));
    next.searchParams.set('cursor', page.pageInfo.endCursor);
    reply.header('link', `<${next.href}>; rel="next"`);
  }
  return page.edges.map((edge) => toRest(edge.node));
}
