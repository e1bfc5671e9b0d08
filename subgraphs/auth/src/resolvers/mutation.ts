import type { MutationResolvers } from '../generated/resolvers-types';

export const Mutation: MutationResolvers = {
  register: (_parent, { input }, { accounts, clientAddress }) => accounts.register(input, clientAddress),
  login: (_parent, { input }, { accounts, clientAddress }) => accounts.login(input.username, input.password, clientAddress),
};
