import { Schema } from 'mongoose';
import { defineModel, type StoredDocument } from '@chirp/subgraph-kit';

/**
 * The posts subgraph's own copy of the social graph, kept from the users subgraph's follow stream
 * (users/src/events.ts): whom to fan a post out to, and whose posts a follow copies. `rebuild` marks
 * the edges a rebuild has seen, so that the ones it has not can be swept.
 */
const followEdgeSchema = new Schema(
  {
    followerId: { type: Schema.Types.ObjectId, required: true },
    followeeId: { type: Schema.Types.ObjectId, required: true },
    rebuild: { type: String, default: null },
  },
  { collection: 'follow_edges', versionKey: false, autoIndex: false },
);

/** One edge per pair, so that an event applied twice changes nothing; also "whom does X follow". */
followEdgeSchema.index({ followerId: 1, followeeId: 1 }, { unique: true, name: 'follower_followee_unique' });
/** A fan-out's followers, in pages by id, and their count. */
followEdgeSchema.index({ followeeId: 1, followerId: 1 }, { name: 'followee_follower' });

export const followEdgeModel = defineModel('FollowEdge', followEdgeSchema);
export type FollowEdgeDocument = StoredDocument<typeof followEdgeSchema>;
