import type { QueryResolvers } from '../generated/resolvers-types';

export const Query: QueryResolvers = {
  post: (_parent, { id }, { loaders, services }) => services.posts.post(id, loaders),
};
