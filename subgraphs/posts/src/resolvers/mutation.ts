import type { MutationResolvers } from '../generated/resolvers-types';

export const Mutation: MutationResolvers = {
  createPost: (_parent, { input }, { viewer, postService }) => postService.create(viewer, input.content),
  updatePost: (_parent, { id, input }, { viewer, postService }) => postService.update(viewer, id, input.content),
  deletePost: (_parent, { id }, { viewer, postService }) => postService.delete(viewer, id),
  addComment: (_parent, { postId, input }, { viewer, postService }) =>
    postService.addComment(viewer, postId, input.content),
  likePost: (_parent, { postId }, { viewer, postService }) => postService.like(viewer, postId),
  unlikePost: (_parent, { postId }, { viewer, postService }) => postService.unlike(viewer, postId),
};
