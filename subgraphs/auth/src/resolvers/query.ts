import type { QueryResolvers } from '../generated/resolvers-types';

export const Query: QueryResolvers = {
  me: (_parent, _args, { viewer, loaders, services }) => services.accounts.me(viewer, loaders),
  user: (_parent, { id }, { loaders, services }) => services.accounts.user(id, loaders),
  userByUsername: (_parent, { username }, { services }) => services.accounts.userByUsername(username),
};
