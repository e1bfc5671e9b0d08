import { Schema } from 'mongoose';
import { defineModel, type StoredDocument } from '@chirp/subgraph-kit';

/**
 * Authors whose posts are not fanned out but merged into their followers' feeds at read time: they
 * had more followers than the threshold when they posted (`_id` is the author's id). An author stays
 * here until a rebuild finds them under the threshold, so no post of theirs is ever in neither place.
 */
const highFollowerAuthorSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    /** When the author was found over the threshold. */
    since: { type: Date, required: true },
  },
  { collection: 'high_follower_authors', versionKey: false, autoIndex: false },
);

export const highFollowerAuthorModel = defineModel('HighFollowerAuthor', highFollowerAuthorSchema);
export type HighFollowerAuthorDocument = StoredDocument<typeof highFollowerAuthorSchema>;
