import { Schema } from 'mongoose';
import { defineModel, type StoredDocument } from '@chirp/subgraph-kit';

/**
 * One post in one home timeline, written by the timeline worker (fan-out on write). `createdAt` is
 * the post's, so that a timeline pages by the same `(createdAt, id)` cursor as any list of posts.
 */
const timelineEntrySchema = new Schema(
  {
    ownerId: { type: Schema.Types.ObjectId, required: true },
    postId: { type: Schema.Types.ObjectId, required: true },
    authorId: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'timeline_entries', versionKey: false, autoIndex: false },
);

/** One entry per owner and post, so that a fan-out applied twice writes nothing more. */
timelineEntrySchema.index({ ownerId: 1, postId: 1 }, { unique: true, name: 'owner_post_unique' });
/** A timeline's pages, newest first. */
timelineEntrySchema.index({ ownerId: 1, createdAt: -1, postId: -1 }, { name: 'owner_newest' });
/** A deleted post leaves every timeline. */
timelineEntrySchema.index({ postId: 1 }, { name: 'post' });
/** An unfollow takes one author's posts out of one timeline. */
timelineEntrySchema.index({ ownerId: 1, authorId: 1 }, { name: 'owner_author' });

export const timelineEntryModel = defineModel('TimelineEntry', timelineEntrySchema);
export type TimelineEntryDocument = StoredDocument<typeof timelineEntrySchema>;
