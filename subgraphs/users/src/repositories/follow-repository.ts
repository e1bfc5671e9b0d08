import type { Connection } from 'mongoose';
import { afterCursorFilter, isDuplicateKeyError, operator, pageSort, toObjectId } from '../../../common/src/db';
import type { PageRequest } from '../../../common/src/pagination';
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

export type FollowRepository = Awaited<ReturnType<typeof createFollowRepository>>;

export async function createFollowRepository(connection: Connection) {
  const Follow = await followModel(connection);
  const UserStats = await userStatsModel(connection);

  /** Both users' counters move together, and only for an edge that really changed. */
  async function adjustCounters(followerId: string, followeeId: string, delta: 1 | -1): Promise<void> {
    await UserStats.bulkWrite(
      [
        { updateOne: { filter: { _id: toObjectId(followerId) }, update: { $inc: { followingCount: delta } }, upsert: true } },
        { updateOne: { filter: { _id: toObjectId(followeeId) }, update: { $inc: { followersCount: delta } }, upsert: true } },
      ],
      { ordered: false },
    );
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

  return {
    /** Returns whether a new edge was made: following twice is one follow, even when both requests race. */
    async follow(followerId: string, followeeId: string): Promise<boolean> {
      try {
        await Follow.create({ followerId: toObjectId(followerId), followeeId: toObjectId(followeeId) });
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
      await adjustCounters(followerId, followeeId, 1);
      return true;
    },

    /** Returns whether an edge was removed. */
    async unfollow(followerId: string, followeeId: string): Promise<boolean> {
      const { deletedCount } = await Follow.deleteOne({ followerId: toObjectId(followerId), followeeId: toObjectId(followeeId) });
      if (deletedCount === 0) return false;
      await adjustCounters(followerId, followeeId, -1);
      return true;
    },

    followers: (userId: string, request: PageRequest) => page({ followeeId: toObjectId(userId) }, 'followerId', request),
    following: (userId: string, request: PageRequest) => page({ followerId: toObjectId(userId) }, 'followeeId', request),

    /** Everyone each of `userIds` follows, in the order of `userIds`. */
    async followingIds(userIds: readonly string[]): Promise<string[][]> {
      const docs = await Follow.find({ followerId: operator({ $in: userIds.map(toObjectId) }) }, { followerId: 1, followeeId: 1, _id: 0 }).lean();
      const byFollower = new Map<string, string[]>(userIds.map((id) => [id, []]));
      for (const doc of docs) byFollower.get(String(doc.followerId))?.push(String(doc.followeeId));
      return userIds.map((id) => byFollower.get(id) ?? []);
    },

    /** Which of `followeeIds` the follower follows. */
    async followedAmong(followerId: string, followeeIds: readonly string[]): Promise<Set<string>> {
      const docs = await Follow.find(
        { followerId: toObjectId(followerId), followeeId: operator({ $in: followeeIds.map(toObjectId) }) },
        { followeeId: 1, _id: 0 },
      ).lean();
      return new Set(docs.map((doc) => String(doc.followeeId)));
    },

    async statsByIds(userIds: readonly string[]): Promise<UserStats[]> {
      const docs = await UserStats.find({ _id: operator({ $in: userIds.map(toObjectId) }) }).lean();
      return docs.map((doc) => ({ id: String(doc._id), followersCount: doc.followersCount, followingCount: doc.followingCount }));
    },
  };
}
