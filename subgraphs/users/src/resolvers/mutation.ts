import type { MutationResolvers } from '../generated/resolvers-types';

export const Mutation: MutationResolvers = {
  follow: (_parent, { userId }, { viewer, requestId, services }) => services.follows.follow(viewer, userId, requestId),
  unfollow: (_parent, { userId }, { viewer, requestId, services }) => services.follows.unfollow(viewer, userId, requestId),
  bookmarkPost: (_parent, { postId }, { viewer, requestId, services }) => services.bookmarks.bookmark(viewer, postId, requestId),
  unbookmarkPost: (_parent, { postId }, { viewer, requestId, services }) => services.bookmarks.unbookmark(viewer, postId, requestId),
};
