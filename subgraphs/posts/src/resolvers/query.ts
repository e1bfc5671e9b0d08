import { parseId } from '@chirp/platform';
import type { QueryResolvers } from '../generated/resolvers-types';

export const Query: QueryResolvers = {
  post: (_parent, { id }, { loaders }) => loaders.postById.load(parseId(id, 'id')),
};
