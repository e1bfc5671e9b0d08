import type { FastifyReply, FastifyRequest } from 'fastify';

/** The GraphQL selections behind the REST shapes, and the mapping into them. */
export const POST_FIELDS = 'id content author { id username name } createdAt updatedAt editedAt likeCount commentCount likedByViewer';
export const COMMENT_FIELDS = 'id content author { id username name } post { id } createdAt';
export const USER_FIELDS = 'id username name createdAt';

/** The selection of one connection page. */
export const pageSelection = (fields: string) => `edges { node { ${fields} } } pageInfo { hasNextPage endCursor }`;

export interface GraphQLPost {
  id: string;
  content: string;
  author: { id: string; username: string; name: string };
  createdAt: string;
  updatedAt: string;
  editedAt: string | null;
  likeCount: number;
  commentCount: number;
  likedByViewer: boolean;
}

export interface GraphQLComment {
  id: string;
  content: string;
  author: { id: string; username: string; name: string };
  post: { id: string };
  createdAt: string;
}

export interface GraphQLUser {
  id: string;
  username: string;
  name: string;
  createdAt: string;
  email?: string | null;
}

export interface Page<T> {
  edges: { node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export function restPost({ likedByViewer, ...post }: GraphQLPost) {
  return { ...post, likedByMe: likedByViewer };
}

export function restComment({ post, ...comment }: GraphQLComment) {
  return { ...comment, postId: post.id };
}

/** Email appears only where GraphQL gave it, that is to its owner. */
export function restUser({ email, ...user }: GraphQLUser) {
  return email ? { ...user, email } : user;
}

export interface PageQuery {
  limit: number;
  cursor?: string;
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
