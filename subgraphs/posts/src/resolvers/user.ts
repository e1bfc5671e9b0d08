import { parsePageArgs, toConnection } from '@chirp/platform';
import type { UserResolvers } from '../generated/resolvers-types';

export const User: UserResolvers = {
  __resolveReference: (reference) => ({ ...reference, id: reference.id.toLowerCase() }),
  posts: async (user, { first, after }, { services }) => {
    const page = parsePageArgs(first, after);
    return toConnection(await services.posts.byAuthor(user.id, page), page.first);
  },
  feed: async (user, { first, after }, { viewer, loaders, services }) => {
    const page = parsePageArgs(first, after);
    return toConnection(await services.timelines.feed(viewer, user.id, page, loaders), page.first);
  },
};
