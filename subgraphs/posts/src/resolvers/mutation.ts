import type { MutationResolvers } from '../generated/resolvers-types';

export const Mutation: MutationResolvers = {
  createPost: (_parent, { input }, { viewer, services }) => services.posts.create(viewer, input.content),
  updatePost: (_parent, { id, input }, { viewer, services }) => services.posts.update(viewer, id, input.content),
  deletePost: (_parent, { id }, { viewer, services }) => services.posts.delete(viewer, id),
  addComment: (_parent, { postId, input }, { viewer, services }) => services.posts.addComment(viewer, postId, input.content),
  likePost: (_parent, { postId }, { viewer, services }) => services.posts.like(viewer, postId),
  unlikePost: (_parent, { postId }, { viewer, services }) => services.posts.unlike(viewer, postId),
};
