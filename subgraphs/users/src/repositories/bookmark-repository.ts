import type { Connection } from 'mongoose';
import type { CursorPosition } from '@chirp/platform';
import { afterCursorFilter, isDuplicateKeyError, operator, pageSort, toObjectId, inBatches } from '@chirp/subgraph-kit';
import { bookmarkModel } from '../models/bookmark';

/** A bookmark as a page item: positioned by when it was made, pointing at `postId`. */
export interface BookmarkItem {
  id: string;
  createdAt: Date;
  postId: string;
}

export type BookmarkRepository = Awaited<ReturnType<typeof createBookmarkRepository>>;

export async function createBookmarkRepository(connection: Connection) {
  const Bookmark = await bookmarkModel(connection);

  /** Each distinct value of `field` across the collection, in batches. */
  const distinct = (field: 'userId' | 'postId', batchSize: number) =>
    inBatches(Bookmark.aggregate<{ _id: unknown }>([{ $group: { _id: `$${field}` } }]).cursor({ batchSize }), batchSize, (doc) => String(doc._id));

  return {
    /** Returns whether a bookmark was added: the unique index makes a second one, even a racing one, a no-op. */
    async add(userId: string, postId: string): Promise<boolean> {
      try {
        await Bookmark.create({ userId: toObjectId(userId), postId: toObjectId(postId) });
        return true;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    },

    async remove(userId: string, postId: string): Promise<void> {
      await Bookmark.deleteOne({ userId: toObjectId(userId), postId: toObjectId(postId) });
    },

    /** Up to `limit` of the user's bookmarks after `after`, newest first. */
    async page(userId: string, after: CursorPosition | null, limit: number): Promise<BookmarkItem[]> {
      const docs = await Bookmark.find({ userId: toObjectId(userId), ...afterCursorFilter(after, 'newest-first') }, { postId: 1, createdAt: 1 })
        .sort(pageSort('newest-first'))
        .limit(limit)
        .lean();
      return docs.map((doc) => ({ id: String(doc._id), createdAt: doc.createdAt, postId: String(doc.postId) }));
    },

    /** Which of `postIds` the user has bookmarked. */
    async bookmarkedAmong(userId: string, postIds: readonly string[]): Promise<Set<string>> {
      const docs = await Bookmark.find({ userId: toObjectId(userId), postId: operator({ $in: postIds.map(toObjectId) }) }, { postId: 1, _id: 0 }).lean();
      return new Set(docs.map((doc) => String(doc.postId)));
    },

    async removeByUsers(userIds: readonly string[]): Promise<void> {
      if (userIds.length > 0) await Bookmark.deleteMany({ userId: operator({ $in: userIds.map(toObjectId) }) });
    },

    async removeByPosts(postIds: readonly string[]): Promise<void> {
      if (postIds.length > 0) await Bookmark.deleteMany({ postId: operator({ $in: postIds.map(toObjectId) }) });
    },

    /** Everyone with a bookmark, in batches. */
    userIds: (batchSize: number) => distinct('userId', batchSize),

    /** Every bookmarked post, in batches. */
    postIds: (batchSize: number) => distinct('postId', batchSize),
  };
}
