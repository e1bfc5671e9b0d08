import { isObjectId, parsePageArgs, toConnection } from '@chirp/platform';
import type { PostResolvers } from '../generated/resolvers-types';

export const Post: PostResolvers = {
  __resolveReference: (reference, { loaders }) =>
    isObjectId(reference.id) ? loaders.postById.load(reference.id.toLowerCase()) : null,
  author: (post) => ({ id: post.authorId }),
  likedByViewer: (post, _args, { loaders }) => loaders.likedByViewer?.load(post.id) ?? false,
  comments: async (post, { first, after }, { comments }) => {
    const page = parsePageArgs(first, after);
    return toConnection(await comments.pageByPost(post.id, page), page.first);
  },
};
