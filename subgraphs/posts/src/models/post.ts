import { Schema } from 'mongoose';
import { defineModel, type StoredDocument } from '@chirp/subgraph-kit';

const postSchema = new Schema(
  {
    authorId: { type: Schema.Types.ObjectId, required: true },
    content: { type: String, required: true },
    editedAt: { type: Date, default: null },
    /** Kept by `$inc` only when a like is really added or removed, so it stays exact. */
    likeCount: { type: Number, required: true, default: 0 },
    commentCount: { type: Number, required: true, default: 0 },
  },
  { collection: 'posts', timestamps: true, autoIndex: false },
);

/** Serves a user's posts and the feed's `$in` over authors, both newest first. */
postSchema.index({ authorId: 1, createdAt: -1, _id: -1 }, { name: 'author_newest' });

export const postModel = defineModel('Post', postSchema);
export type PostDocument = StoredDocument<typeof postSchema>;
