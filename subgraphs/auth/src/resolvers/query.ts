import { parseId } from '@chirp/platform';
import type { QueryResolvers } from '../generated/resolvers-types';

export const Query: QueryResolvers = {
  me: (_parent, _args, { viewer, loaders }) => (viewer ? loaders.userById.load(viewer.id) : null),
  user: (_parent, { id }, { loaders }) => loaders.userById.load(parseId(id, 'id')),
  userByUsername: (_parent, { username }, { users }) => users.findByUsername(username),
};

