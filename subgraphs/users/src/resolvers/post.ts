import type { PostResolvers } from '../generated/resolvers-types';

export const Post: PostResolvers = {
  /** Any id may be bookmarked by the viewer or not; whether the post exists is the posts subgraph's answer. */
  __resolveReference: (reference) => ({ id: reference.id.toLowerCase() }),
  bookmarkedByViewer: ({ id }, _args, { loaders, services }) => services.bookmarks.bookmarkedByViewer(id, loaders),
};
