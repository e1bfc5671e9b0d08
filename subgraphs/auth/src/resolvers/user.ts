import type { UserResolvers } from '../generated/resolvers-types';

export const User: UserResolvers = {
  __resolveReference: (reference, { loaders, services }) => services.accounts.byReference(reference.id, loaders),
  email: (user, _args, { viewer, services }) => services.accounts.emailOf(viewer, user),
};
