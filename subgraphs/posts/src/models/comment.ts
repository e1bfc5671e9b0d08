import { Schema } from 'mongoose';
import { defineModel, type StoredDocument } from '@chirp/subgraph-kit';

const commentSchema = new Schema(
  {
    postId: { type: Schema.Types.ObjectId, required: true },
    authorId: { type: Schema.Types.ObjectId, required: true },
    content: { type: String, required: true },
  },
  { collection: 'comments', timestamps: { createdAt: true, updatedAt: false }, autoIndex: false },
);

/** A post's comments, oldest first; also what deleting a post removes. */
commentSchema.index({ postId: 1, createdAt: 1, _id: 1 }, { name: 'post_oldest' });
/** An account's comments, by post: what its deletion takes away, and from which posts' counts. */
commentSchema.index({ authorId: 1, postId: 1 }, { name: 'author_post' });

export const commentModel = defineModel('Comment', commentSchema);
export type CommentDocument = StoredDocument<typeof commentSchema>;
