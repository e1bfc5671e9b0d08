import { Schema } from 'mongoose';
import { defineModel, type StoredDocument } from '@chirp/subgraph-kit';

/** A post `userId` keeps to read later; only its owner sees it. */
const bookmarkSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    postId: { type: Schema.Types.ObjectId, required: true },
  },
  { collection: 'bookmarks', timestamps: { createdAt: true, updatedAt: false }, autoIndex: false },
);

/** Makes bookmarking twice one bookmark, even when both requests race; it also serves bookmarkedByViewer. */
bookmarkSchema.index({ userId: 1, postId: 1 }, { unique: true, name: 'user_post_unique' });
bookmarkSchema.index({ userId: 1, createdAt: -1, _id: -1 }, { name: 'bookmarks_page' });
/** A deleted post leaves every bookmark list, and a rebuild asks the posts subgraph about each bookmarked post. */
bookmarkSchema.index({ postId: 1 }, { name: 'by_post' });

export const bookmarkModel = defineModel('Bookmark', bookmarkSchema);
export type BookmarkDocument = StoredDocument<typeof bookmarkSchema>;
