import { isObjectId, parsePageArgs, toConnection } from '@chirp/platform';
import type { UserResolvers } from '../generated/resolvers-types';

const toUser = (edge: { userId: string }) => ({ id: edge.userId });

export const User: UserResolvers = {
  /** Every id may have a social graph (possibly empty); whether the user exists is the auth subgraph's answer. */
  __resolveReference: (reference) => ({ id: reference.id.toLowerCase() }),
  followersCount: async ({ id }, _args, { loaders }) => (isObjectId(id) ? (await loaders.stats.load(id)).followersCount : 0),
  followingCount: async ({ id }, _args, { loaders }) => (isObjectId(id) ? (await loaders.stats.load(id)).followingCount : 0),
  followedByViewer: ({ id }, _args, { loaders }) =>
    loaders.followedByViewer && isObjectId(id) ? loaders.followedByViewer.load(id) : false,
  followers: async ({ id }, { first, after }, { follows }) => {
    const page = parsePageArgs(first, after);
    return toConnection(isObjectId(id) ? await follows.followers(id, page) : [], page.first, toUser);
  },
  following: async ({ id }, { first, after }, { follows }) => {
    const page = parsePageArgs(first, after);
    return toConnection(isObjectId(id) ? await follows.following(id, page) : [], page.first, toUser);
  },
  followingIds: ({ id }, _args, { loaders }) => (isObjectId(id) ? loaders.followingIds.load(id) : []),
};
