import { isObjectId, parsePageArgs, toConnection } from '@chirp/platform';
import type { UserResolvers } from '../generated/resolvers-types';

export const User: UserResolvers = {
  __resolveReference: (reference) => ({ ...reference, id: reference.id.toLowerCase() }),
  posts: async (user, { first, after }, { posts }) => {
    const page = parsePageArgs(first, after);
    return toConnection(isObjectId(user.id) ? await posts.pageByAuthors([user.id], page) : [], page.first);
  },
  feed: async (user, { first, after }, { viewer, postService }) => {
    const page = parsePageArgs(first, after);
    return toConnection(await postService.feed(viewer, user, page), page.first);
  },
};
