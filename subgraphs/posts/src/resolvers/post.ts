import { parsePageArgs, toConnection } from '@chirp/platform';
import type { PostResolvers } from '../generated/resolvers-types';

export const Post: PostResolvers = {
  __resolveReference: (reference, { loaders, services }) => services.posts.byReference(reference.id, loaders),
  author: (post) => ({ id: post.authorId }),
  likedByViewer: (post, _args, { loaders, services }) => services.posts.likedByViewer(post.id, loaders),
  comments: async (post, { first, after }, { services }) => {
    const page = parsePageArgs(first, after);
    return toConnection(await services.posts.comments(post.id, page), page.first);
  },
};
