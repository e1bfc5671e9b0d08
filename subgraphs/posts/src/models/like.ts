import { Schema } from 'mongoose';
import { defineModel, type StoredDocument } from '@chirp/subgraph-kit';

const likeSchema = new Schema(
  {
    postId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
  },
  { collection: 'likes', timestamps: { createdAt: true, updatedAt: false }, autoIndex: false },
);

/** One like per user and post, even when two requests race; also serves likedByViewer. */
likeSchema.index({ postId: 1, userId: 1 }, { unique: true, name: 'post_user_unique' });
/** An account's likes, by post: what its deletion takes away, and from which posts' counts. */
likeSchema.index({ userId: 1, postId: 1 }, { name: 'user_post' });

export const likeModel = defineModel('Like', likeSchema);
export type LikeDocument = StoredDocument<typeof likeSchema>;
