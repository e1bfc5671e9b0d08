import type { CommentResolvers } from '../generated/resolvers-types';

export const Comment: CommentResolvers = {
  author: (comment) => ({ id: comment.authorId }),
  post: (comment, _args, { loaders, services }) => services.posts.postOf(comment, loaders),
};
