import type { MutationResolvers } from '../generated/resolvers-types';

export const Mutation: MutationResolvers = {
  register: (_parent, { input }, { accounts }) => accounts.register(input),
  login: (_parent, { input }, { accounts }) => accounts.login(input.username, input.password),
};
