import type { MutationResolvers } from '../generated/resolvers-types';

export const Mutation: MutationResolvers = {
  follow: (_parent, { userId }, { viewer, requestId, followService }) => followService.follow(viewer, userId, requestId),
  unfollow: (_parent, { userId }, { viewer, requestId, followService }) =>
    followService.unfollow(viewer, userId, requestId),
};
