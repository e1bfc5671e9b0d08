import type { MutationResolvers } from '../generated/resolvers-types';

export const Mutation: MutationResolvers = {
  register: (_parent, { input }, { clientAddress, services }) => services.accounts.register(input, clientAddress),
  login: (_parent, { input }, { clientAddress, services }) => services.accounts.login(input.username, input.password, clientAddress),
  logout: (_parent, { allSessions }, { viewer, services }) => services.accounts.logout(viewer, allSessions),
  updateProfile: (_parent, { input }, { viewer, services }) => services.accounts.updateProfile(viewer, input),
  changePassword: (_parent, { input }, { viewer, clientAddress, services }) => services.accounts.changePassword(viewer, input, clientAddress),
  deleteAccount: (_parent, { password }, { viewer, clientAddress, services }) => services.accounts.deleteAccount(viewer, password, clientAddress),
};
