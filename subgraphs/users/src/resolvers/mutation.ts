import type { MutationResolvers } from '../generated/resolvers-types';

export const Mutation: MutationResolvers = {
  follow: (_parent, { userId }, { viewer, requestId, services }) => services.follows.follow(viewer, userId, requestId),
  unfollow: (_parent, { userId }, { viewer, requestId, services }) => services.follows.unfollow(viewer, userId, requestId),
};
