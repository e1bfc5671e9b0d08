import { Schema } from 'mongoose';
import { defineModel, type StoredDocument } from '@chirp/subgraph-kit';

/**
 * Follower and following counters, one document per user (`_id` is the user's
 * id), kept by `$inc` only when an edge is really added or removed.
 */
const userStatsSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    followersCount: { type: Number, required: true, default: 0 },
    followingCount: { type: Number, required: true, default: 0 },
  },
  { collection: 'user_stats', versionKey: false, autoIndex: false },
);

export const userStatsModel = defineModel('UserStats', userStatsSchema);
export type UserStatsDocument = StoredDocument<typeof userStatsSchema>;
