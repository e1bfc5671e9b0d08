import { notFound } from '@chirp/platform';
import type { CommentResolvers } from '../generated/resolvers-types';

export const Comment: CommentResolvers = {
  author: (comment) => ({ id: comment.authorId }),
  post: async (comment, _args, { loaders }) => {
    const post = await loaders.postById.load(comment.postId);
    if (!post) throw notFound('Post not found');
    return post;
  },
};
