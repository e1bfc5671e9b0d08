import { parsePageArgs, toConnection } from '@chirp/platform';
import type { UserResolvers } from '../generated/resolvers-types';

const toUser = (edge: { userId: string }) => ({ id: edge.userId });
const toPost = (bookmark: { postId: string }) => ({ id: bookmark.postId });

export const User: UserResolvers = {
  /** Every id may have a social graph (possibly empty); whether the user exists is the auth subgraph's answer. */
  __resolveReference: (reference) => ({ id: reference.id.toLowerCase() }),
  followersCount: async ({ id }, _args, { loaders, services }) => (await services.follows.stats(id, loaders)).followersCount,
  followingCount: async ({ id }, _args, { loaders, services }) => (await services.follows.stats(id, loaders)).followingCount,
  followedByViewer: ({ id }, _args, { loaders, services }) => services.follows.followedByViewer(id, loaders),
  followers: async ({ id }, { first, after }, { services }) => {
    const page = parsePageArgs(first, after);
    return toConnection(await services.follows.followers(id, page), page.first, toUser);
  },
  following: async ({ id }, { first, after }, { services }) => {
    const page = parsePageArgs(first, after);
    return toConnection(await services.follows.following(id, page), page.first, toUser);
  },
  bookmarks: async ({ id }, { first, after }, { viewer, requestId, services }) => {
    const page = parsePageArgs(first, after);
    return toConnection(await services.bookmarks.bookmarks(viewer, id, page, requestId), page.first, toPost);
  },
};
