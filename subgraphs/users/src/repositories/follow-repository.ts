import type { Connection, Types } from 'mongoose';
import { afterCursorFilter, isDuplicateKeyError, operator, pageSort, toObjectId, inBatches } from '@chirp/subgraph-kit';
import type { PageRequest } from '@chirp/platform';
import { followModel } from '../models/follow';
import { userStatsModel } from '../models/user-stats';

/** A follow edge as a page item: positioned by when it was made, pointing at `userId`. */
export interface FollowEdge {
  id: string;
  createdAt: Date;
  userId: string;
}

export interface UserStats {
  id: string;
  followersCount: number;
  followingCount: number;
}

/** What a follow did: made the edge, found it made already, or found the follower's slots all taken. */
export type FollowOutcome = 'followed' | 'already-following' | 'limit-reached';

export type FollowRepository = Awaited<ReturnType<typeof createFollowRepository>>;

/** Accounts whose counters are recounted in one pair of aggregations. */
const RECOUNT_BATCH = 500;

export async function createFollowRepository(connection: Connection) {
  const Follow = await followModel(connection);
  const UserStats = await userStatsModel(connection);

  /**
   * Takes one of the follower's `maxFollowing` slots with a conditional `$inc` on their counter, so
   * that two follows racing for the last slot cannot both have it. Returns whether one was free.
   */
  async function reserveSlot(followerId: string, maxFollowing: number): Promise<boolean> {
    const filter = { _id: toObjectId(followerId), followingCount: operator({ $lt: maxFollowing }) };
    const take = { $inc: { followingCount: 1 } };
    try {
      await UserStats.updateOne(filter, take, { upsert: true });
      return true;
    } catch (error) {
      // The upsert inserts when the filter matches nothing: a duplicate _id then means the counter
      // exists, either full or created meanwhile by a racing first follow. Without the upsert, it tells which.
      if (!isDuplicateKeyError(error)) throw error;
    }
    const { matchedCount } = await UserStats.updateOne(filter, take);
    return matchedCount === 1;
  }

  async function releaseSlot(followerId: string): Promise<void> {
    await UserStats.updateOne({ _id: toObjectId(followerId) }, { $inc: { followingCount: -1 } });
  }

  async function page(filter: Record<string, unknown>, pointsAt: 'followerId' | 'followeeId', request: PageRequest) {
    const docs = await Follow.find(
      { ...filter, ...afterCursorFilter(request.after, 'newest-first') },
      { followerId: 1, followeeId: 1, createdAt: 1 },
    )
      .sort(pageSort('newest-first'))
      .limit(request.first + 1)
      .lean();
    return docs.map((doc): FollowEdge => ({ id: String(doc._id), createdAt: doc.createdAt, userId: String(doc[pointsAt]) }));
  }

  /** How many edges of `side` each of `userIds` has, leaving out the edges with `excluded` accounts. */
  async function countEdges(side: 'followerId' | 'followeeId', userIds: Types.ObjectId[], excluded: Types.ObjectId[]): Promise<Map<string, number>> {
    const otherSide = side === 'followerId' ? 'followeeId' : 'followerId';
    const counts = await Follow.aggregate<{ _id: Types.ObjectId; count: number }>([
      { $match: { [side]: { $in: userIds }, [otherSide]: { $nin: excluded } } },
      { $group: { _id: `$${side}`, count: { $sum: 1 } } },
    ]);
    return new Map(counts.map(({ _id, count }) => [String(_id), count]));
  }

  /** Sets the counters of `userIds` to their edges, leaving out the edges with `excluded` accounts. */
  async function recount(userIds: Types.ObjectId[], excluded: Types.ObjectId[]): Promise<void> {
    for (let start = 0; start < userIds.length; start += RECOUNT_BATCH) {
      const batch = userIds.slice(start, start + RECOUNT_BATCH);
      const [following, followers] = await Promise.all([countEdges('followerId', batch, excluded), countEdges('followeeId', batch, excluded)]);
      await UserStats.bulkWrite(
        batch.map((_id) => ({
          updateOne: {
            filter: { _id },
            update: { $set: { followingCount: following.get(String(_id)) ?? 0, followersCount: followers.get(String(_id)) ?? 0 } },
            upsert: true,
          },
        })),
        { ordered: false },
      );
    }
  }

  return {
    /**
     * Following twice is one follow, even when both requests race; a new edge needs a free slot first,
     * given back when the edge turns out to exist or cannot be written, so the counters stay exact.
     */
    async follow(followerId: string, followeeId: string, maxFollowing: number): Promise<FollowOutcome> {
      const edge = { followerId: toObjectId(followerId), followeeId: toObjectId(followeeId) };
      // Before the slot, so that following again takes none: it must succeed at the cap too.
      if (await Follow.exists(edge)) return 'already-following';
      if (!(await reserveSlot(followerId, maxFollowing))) {
        return (await Follow.exists(edge)) ? 'already-following' : 'limit-reached';
      }
      try {
        await Follow.create(edge);
      } catch (error) {
        await releaseSlot(followerId);
        if (isDuplicateKeyError(error)) return 'already-following';
        throw error;
      }
      await UserStats.updateOne({ _id: edge.followeeId }, { $inc: { followersCount: 1 } }, { upsert: true });
      return 'followed';
    },

    /** Returns whether an edge was removed; both counters move only then. */
    async unfollow(followerId: string, followeeId: string): Promise<boolean> {
      const { deletedCount } = await Follow.deleteOne({ followerId: toObjectId(followerId), followeeId: toObjectId(followeeId) });
      if (deletedCount === 0) return false;
      // Upserts: the follow that made this edge may not have counted the followee yet; -1 then +1 still sums right.
      await UserStats.bulkWrite(
        [
          { updateOne: { filter: { _id: toObjectId(followerId) }, update: { $inc: { followingCount: -1 } }, upsert: true } },
          { updateOne: { filter: { _id: toObjectId(followeeId) }, update: { $inc: { followersCount: -1 } }, upsert: true } },
        ],
        { ordered: false },
      );
      return true;
    },

    followers: (userId: string, request: PageRequest) => page({ followeeId: toObjectId(userId) }, 'followerId', request),
    following: (userId: string, request: PageRequest) => page({ followerId: toObjectId(userId) }, 'followeeId', request),

    /** Which of `followeeIds` the follower follows. */
    async followedAmong(followerId: string, followeeIds: readonly string[]): Promise<Set<string>> {
      const docs = await Follow.find(
        { followerId: toObjectId(followerId), followeeId: operator({ $in: followeeIds.map(toObjectId) }) },
        { followeeId: 1, _id: 0 },
      ).lean();
      return new Set(docs.map((doc) => String(doc.followeeId)));
    },

    /**
     * Removes the accounts' edges both ways and their counters, and recounts the counters of everyone on
     * the other side of those edges. Idempotent, and safe to run again after a crash at any point: the
     * others are recounted before the edges go (without them), since a second run finds no edge left to
     * name them; and again after, for an unfollow of these accounts that was under way meanwhile.
     */
    async removeAccounts(userIds: readonly string[]): Promise<void> {
      if (userIds.length === 0) return;
      const removed = userIds.map(toObjectId);
      const touching = () => ({ $or: [{ followerId: operator({ $in: removed }) }, { followeeId: operator({ $in: removed }) }] });
      const edges = await Follow.find(touching(), { followerId: 1, followeeId: 1, _id: 0 }).lean();
      const gone = new Set(userIds);
      const others = [...new Set(edges.flatMap((edge) => [String(edge.followerId), String(edge.followeeId)]))].filter((id) => !gone.has(id)).map(toObjectId);
      await recount(others, removed);
      await Follow.deleteMany(touching());
      await recount(others, removed);
      await UserStats.deleteMany({ _id: operator({ $in: removed }) });
    },

    /** Everyone with a counter or an edge, in batches (an id may come more than once). */
    async *accountIds(batchSize: number): AsyncGenerator<string[]> {
      const toId = (doc: { _id: unknown }) => String(doc._id);
      yield* inBatches(UserStats.find({}, { _id: 1 }).lean().cursor({ batchSize }), batchSize, toId);
      for (const side of ['followerId', 'followeeId']) {
        yield* inBatches(Follow.aggregate<{ _id: unknown }>([{ $group: { _id: `$${side}` } }]).cursor({ batchSize }), batchSize, toId);
      }
    },

    async statsByIds(userIds: readonly string[]): Promise<UserStats[]> {
      const docs = await UserStats.find({ _id: operator({ $in: userIds.map(toObjectId) }) }).lean();
      return docs.map((doc) => ({ id: String(doc._id), followersCount: doc.followersCount, followingCount: doc.followingCount }));
    },
  };
}
