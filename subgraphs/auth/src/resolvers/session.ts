import type { SessionResolvers } from '../generated/resolvers-types';

/** Resolved only through `_entities`, by the other services checking a token: an ended session is null. */
export const Session: SessionResolvers = {
  __resolveReference: async (reference, { services }) => {
    const userId = await services.accounts.sessionOwner(reference.id);
    return userId ? { id: reference.id, userId } : null;
  },
};
