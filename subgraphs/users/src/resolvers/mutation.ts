import type { MutationResolvers } from '../generated/resolvers-types';

export const Mutation: MutationResolvers = {
  follow: (_parent, { userId }, { viewer, followService }) => followService.follow(viewer, userId),
  unfollow: (_parent, { userId }, { viewer, followService }) => followService.unfollow(viewer, userId),
};
