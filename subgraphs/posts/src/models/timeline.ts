import { Schema } from 'mongoose';
import { defineModel, type StoredDocument } from '@chirp/subgraph-kit';

/**
 * What a home timeline knows of itself, one document per owner (`_id` is the owner's id):
 * `size` bounds its entries from above (kept by `$inc` as entries are added, set exact by a trim),
 * and `trimmedThrough` is the newest position whose posts may be missing from it (trimmed away, or
 * older than what a follow copied), past which a feed reads the posts themselves.
 */
const timelineSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    size: { type: Number, required: true, default: 0 },
    trimmedThrough: {
      type: new Schema({ createdAt: { type: Date, required: true }, id: { type: String, required: true } }, { _id: false }),
      default: null,
    },
  },
  { collection: 'timelines', versionKey: false, autoIndex: false },
);

export const timelineModel = defineModel('Timeline', timelineSchema);
export type TimelineDocument = StoredDocument<typeof timelineSchema>;
