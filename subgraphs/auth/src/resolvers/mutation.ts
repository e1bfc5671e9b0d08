import type { MutationResolvers } from '../generated/resolvers-types';

export const Mutation: MutationResolvers = {
  register: (_parent, { input }, { clientAddress, services }) => services.accounts.register(input, clientAddress),
  login: (_parent, { input }, { clientAddress, services }) => services.accounts.login(input.username, input.password, clientAddress),
};
