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

export const likeModel = defineModel('Like', likeSchema);
export type LikeDocument = StoredDocument<typeof likeSchema>;
