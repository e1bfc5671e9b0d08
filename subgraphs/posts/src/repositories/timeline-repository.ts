import type { Connection } from 'mongoose';
import { afterCursorFilter, isDuplicateKeyError, operator, pageSort, toObjectId } from '@chirp/subgraph-kit';
import type { CursorPosition } from '@chirp/platform';
import { timelineModel } from '../models/timeline';
import { timelineEntryModel } from '../models/timeline-entry';

/** A post as a timeline holds it: enough to place it, not its content. */
export interface TimelineItem {
  postId: string;
  authorId: string;
  createdAt: Date;
}

export interface TimelineState {
  /** An upper bound of the timeline's entries. */
  size: number;
  /** The newest position whose posts may be missing from the timeline; null when it is complete. */
  trimmedThrough: CursorPosition | null;
}

export type TimelineRepository = Awaited<ReturnType<typeof createTimelineRepository>>;

/** Entries per bulk write: a fan-out to many timelines goes in several. */
const WRITE_BATCH = 2000;

/**
 * The positions of the documents an unordered insert found already there (duplicate keys); any other
 * failure is thrown on.
 */
function duplicateIndexes(error: unknown): number[] {
  const writeErrors = (error as { writeErrors?: { index: number; code?: number; err?: { code?: number } }[] }).writeErrors;
  if (!Array.isArray(writeErrors) || writeErrors.length === 0) throw error;
  return writeErrors.map((writeError) => {
    if (!isDuplicateKeyError(writeError) && !isDuplicateKeyError(writeError.err)) throw error;
    return writeError.index;
  });
}

/** `a` is newer than `b` in a newest-first list. */
export function isNewer(a: CursorPosition, b: CursorPosition): boolean {
  return a.createdAt.getTime() !== b.createdAt.getTime() ? a.createdAt > b.createdAt : a.id > b.id;
}

/** Home timelines (models/timeline-entry.ts, models/timeline.ts); only the timeline worker writes them. */
export async function createTimelineRepository(connection: Connection) {
  const Entry = await timelineEntryModel(connection);
  const Timeline = await timelineModel(connection);
  const positionOf = (doc: { createdAt: Date; postId: unknown }): CursorPosition => ({ createdAt: doc.createdAt, id: String(doc.postId) });

  /**
   * Puts posts into timelines, once: an entry already there is left as it is (the unique index refuses
   * it). Returns how many entries each owner gained, which also grows its `size`. Plain inserts rather
   * than upserts: a fan-out writes thousands at once, and an insert needs no query to match.
   */
  async function add(entries: readonly { ownerId: string; item: TimelineItem }[]): Promise<Map<string, number>> {
    const gained = new Map<string, number>();
    for (let start = 0; start < entries.length; start += WRITE_BATCH) {
      const chunk = entries.slice(start, start + WRITE_BATCH);
      const documents = chunk.map(({ ownerId, item }) => ({
        ownerId: toObjectId(ownerId),
        postId: toObjectId(item.postId),
        authorId: toObjectId(item.authorId),
        createdAt: item.createdAt,
      }));
      const present = new Set<number>();
      try {
        await Entry.insertMany(documents, { ordered: false, lean: true });
      } catch (error) {
        for (const index of duplicateIndexes(error)) present.add(index);
      }
      chunk.forEach(({ ownerId }, index) => {
        if (!present.has(index)) gained.set(ownerId, (gained.get(ownerId) ?? 0) + 1);
      });
    }
    await grow(gained);
    return gained;
  }

  /** Adds to the owners' sizes: one update per distinct amount, then the timelines that had no document yet. */
  async function grow(gained: Map<string, number>): Promise<void> {
    const byAmount = new Map<number, string[]>();
    for (const [ownerId, amount] of gained) byAmount.set(amount, [...(byAmount.get(amount) ?? []), ownerId]);
    for (const [amount, ownerIds] of byAmount) {
      const ids = ownerIds.map(toObjectId);
      const { matchedCount } = await Timeline.updateMany({ _id: operator({ $in: ids }) }, { $inc: { size: amount } });
      if (matchedCount === ids.length) continue;
      const existing = new Set((await Timeline.find({ _id: operator({ $in: ids }) }, { _id: 1 }).lean()).map((doc) => String(doc._id)));
      const missing = ownerIds.filter((id) => !existing.has(id));
      await Timeline.bulkWrite(
        missing.map((id) => ({ updateOne: { filter: { _id: toObjectId(id) }, update: { $inc: { size: amount } }, upsert: true } })),
        { ordered: false },
      );
    }
  }

  async function state(ownerId: string): Promise<TimelineState> {
    const doc = await Timeline.findById(toObjectId(ownerId)).lean();
    const through = doc?.trimmedThrough;
    return { size: doc?.size ?? 0, trimmedThrough: through ? { createdAt: through.createdAt, id: through.id } : null };
  }

  return {
    add,

    /** Of `ownerIds`, those whose `size` is over `max`. */
    async overfull(ownerIds: readonly string[], max: number): Promise<string[]> {
      const docs = await Timeline.find({ _id: operator({ $in: ownerIds.map(toObjectId) }), size: operator({ $gt: max }) }, { _id: 1 }).lean();
      return docs.map((doc) => String(doc._id));
    },

    /**
     * Keeps the newest `keep` entries of a timeline and removes the rest; `trimmedThrough` moves to the
     * newest position removed. The size is exact afterwards.
     */
    async trim(ownerId: string, keep: number): Promise<void> {
      const owner = toObjectId(ownerId);
      const [boundary] = await Entry.find({ ownerId: owner }, { createdAt: 1, postId: 1 }).sort(pageSort('newest-first', 'postId')).skip(keep).limit(1).lean();
      if (!boundary) {
        await Timeline.updateOne({ _id: owner }, { $set: { size: await Entry.countDocuments({ ownerId: owner }) } });
        return;
      }
      const cut = positionOf(boundary);
      await Entry.deleteMany({
        ownerId: owner,
        $or: [{ createdAt: operator({ $lt: cut.createdAt }) }, { createdAt: cut.createdAt, postId: operator({ $lte: toObjectId(cut.id) }) }],
      });
      const current = await state(ownerId);
      const trimmedThrough = current.trimmedThrough && isNewer(current.trimmedThrough, cut) ? current.trimmedThrough : cut;
      await Timeline.updateOne({ _id: owner }, { $set: { size: keep, trimmedThrough } });
    },

    /** Notes that posts at or before `position` may be missing from the timeline (a follow copied only the newest). */
    async markIncompleteThrough(ownerId: string, position: CursorPosition): Promise<void> {
      const current = await state(ownerId);
      if (current.trimmedThrough && !isNewer(position, current.trimmedThrough)) return;
      await Timeline.updateOne({ _id: toObjectId(ownerId) }, { $set: { trimmedThrough: position } }, { upsert: true });
    },

    state,

    /** Deleted posts leave every timeline. (Sizes stay as they were: an upper bound, made exact by the next trim.) */
    async removePosts(postIds: readonly string[]): Promise<void> {
      if (postIds.length === 0) return;
      await Entry.deleteMany({ postId: operator({ $in: postIds.map(toObjectId) }) });
    },

    /** Unfollows take each author's posts out of its owner's timeline. */
    async removeAuthors(pairs: readonly { ownerId: string; authorId: string }[]): Promise<void> {
      if (pairs.length === 0) return;
      await Entry.bulkWrite(
        pairs.map(({ ownerId, authorId }) => ({ deleteMany: { filter: { ownerId: toObjectId(ownerId), authorId: toObjectId(authorId) } } })),
        { ordered: false },
      );
    },

    /** Up to `limit` entries of a timeline after `after`, newest first. */
    async page(ownerId: string, after: CursorPosition | null, limit: number): Promise<TimelineItem[]> {
      const docs = await Entry.find({ ownerId: toObjectId(ownerId), ...afterCursorFilter(after, 'newest-first', 'postId') }, { postId: 1, authorId: 1, createdAt: 1 })
        .sort(pageSort('newest-first', 'postId'))
        .limit(limit)
        .lean();
      return docs.map((doc) => ({ postId: String(doc.postId), authorId: String(doc.authorId), createdAt: doc.createdAt }));
    },

    /**
     * Rebuilding: makes a timeline hold exactly `items` (written once, the others removed), with its
     * size and `trimmedThrough` set to match.
     */
    async replace(ownerId: string, items: readonly TimelineItem[], trimmedThrough: CursorPosition | null): Promise<void> {
      await add(items.map((item) => ({ ownerId, item })));
      await Entry.deleteMany({ ownerId: toObjectId(ownerId), postId: operator({ $nin: items.map((item) => toObjectId(item.postId)) }) });
      await Timeline.updateOne({ _id: toObjectId(ownerId) }, { $set: { size: items.length, trimmedThrough } }, { upsert: true });
    },

    /** Rebuilding: every owner with a timeline (entries, or only its document). */
    async owners(): Promise<string[]> {
      const [withEntries, withDocument] = await Promise.all([Entry.distinct('ownerId'), Timeline.distinct('_id')]);
      return [...new Set([...withEntries, ...withDocument].map(String))];
    },

    /** Deleted accounts' timelines: their entries and their documents. */
    async removeOwners(ownerIds: readonly string[]): Promise<void> {
      if (ownerIds.length === 0) return;
      const ids = ownerIds.map(toObjectId);
      await Entry.deleteMany({ ownerId: operator({ $in: ids }) });
      await Timeline.deleteMany({ _id: operator({ $in: ids }) });
    },
  };
}
