import { Schema } from 'mongoose';
import { defineModel, type StoredDocument } from '@chirp/subgraph-kit';

/** One edge of the social graph: `followerId` follows `followeeId`. */
const followSchema = new Schema(
  {
    followerId: { type: Schema.Types.ObjectId, required: true },
    followeeId: { type: Schema.Types.ObjectId, required: true },
  },
  { collection: 'follows', timestamps: { createdAt: true, updatedAt: false }, autoIndex: false },
);

/** Makes following twice one follow; it also serves "does X follow these" (followedByViewer). */
followSchema.index({ followerId: 1, followeeId: 1 }, { unique: true, name: 'follower_followee_unique' });
followSchema.index({ followerId: 1, createdAt: -1, _id: -1 }, { name: 'following_page' });
followSchema.index({ followeeId: 1, createdAt: -1, _id: -1 }, { name: 'followers_page' });

/** With pre-images, an unfollow's change event tells whose edge went (events.ts). */
export const followModel = defineModel('Follow', followSchema, { preImages: true });
export type FollowDocument = StoredDocument<typeof followSchema>;
