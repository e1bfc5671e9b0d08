import { Schema, type Connection } from 'mongoose';

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

export async function userStatsModel(connection: Connection) {
  const model = connection.model('UserStats', userStatsSchema);
  await model.createIndexes();
  return model;
}
