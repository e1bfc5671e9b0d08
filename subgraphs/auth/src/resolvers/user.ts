import { isObjectId } from '@chirp/platform';
import type { UserResolvers } from '../generated/resolvers-types';

export const User: UserResolvers = {
  /** Other subgraphs name users by id; an id that matches nobody resolves to null. */
  __resolveReference: (reference, { loaders }) =>
    isObjectId(reference.id) ? loaders.userById.load(reference.id.toLowerCase()) : null,
  email: (user, _args, { viewer }) => (viewer?.id === user.id || ('signedIn' in user && user.signedIn) ? user.email : null),
};
