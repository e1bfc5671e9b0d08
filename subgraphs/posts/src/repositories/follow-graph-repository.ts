import type { Connection } from 'mongoose';
import { isDuplicateKeyError, operator, toObjectId } from '@chirp/subgraph-kit';
import { followEdgeModel } from '../models/follow-edge';
import { highFollowerAuthorModel } from '../models/high-follower-author';

/** An edge of the social graph as the follow stream gives it. */
export interface Edge {
  followerId: string;
  followeeId: string;
}

export type FollowGraphRepository = Awaited<ReturnType<typeof createFollowGraphRepository>>;

/** The posts subgraph's projection of the social graph (models/follow-edge.ts) and its high-follower authors. */
export async function createFollowGraphRepository(connection: Connection) {
  const FollowEdge = await followEdgeModel(connection);
  const HighFollowerAuthor = await highFollowerAuthorModel(connection);
  const edgeFilter = ({ followerId, followeeId }: Edge) => ({ followerId: toObjectId(followerId), followeeId: toObjectId(followeeId) });
  const ids = (docs: { _id: unknown }[]) => docs.map((doc) => String(doc._id));

  async function markHighFollowerAuthor(authorId: string): Promise<void> {
    try {
      await HighFollowerAuthor.updateOne({ _id: toObjectId(authorId) }, { $setOnInsert: { since: new Date() } }, { upsert: true });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  return {
    /** Idempotent: adding an edge that is there changes nothing. */
    async add(edges: readonly Edge[]): Promise<void> {
      if (edges.length === 0) return;
      await FollowEdge.bulkWrite(
        edges.map((edge) => ({ updateOne: { filter: edgeFilter(edge), update: { $setOnInsert: { rebuild: null } }, upsert: true } })),
        { ordered: false },
      );
    },

    async remove(edges: readonly Edge[]): Promise<void> {
      if (edges.length === 0) return;
      await FollowEdge.bulkWrite(edges.map((edge) => ({ deleteOne: { filter: edgeFilter(edge) } })), { ordered: false });
    },

    /** A page of the followers of `followeeId`, in id order, after `afterFollowerId`. */
    async followersAfter(followeeId: string, afterFollowerId: string | null, limit: number): Promise<string[]> {
      const docs = await FollowEdge.find(
        {
          followeeId: toObjectId(followeeId),
          ...(afterFollowerId ? { followerId: operator({ $gt: toObjectId(afterFollowerId) }) } : {}),
        },
        { followerId: 1, _id: 0 },
      )
        .sort({ followerId: 1 })
        .limit(limit)
        .lean();
      return docs.map((doc) => String(doc.followerId));
    },

    /** How many follow `followeeId`, counting no further than `limit` (enough to compare with a threshold). */
    countFollowers(followeeId: string, limit: number): Promise<number> {
      return FollowEdge.countDocuments({ followeeId: toObjectId(followeeId) }, { limit });
    },

    /** Everyone `followerId` follows. */
    async followees(followerId: string): Promise<string[]> {
      const docs = await FollowEdge.find({ followerId: toObjectId(followerId) }, { followeeId: 1, _id: 0 }).lean();
      return docs.map((doc) => String(doc.followeeId));
    },

    /** The high-follower authors `followerId` follows: their posts are merged into the feed when it is read. */
    async followedHighFollowerAuthors(followerId: string): Promise<string[]> {
      const authors = ids(await HighFollowerAuthor.find({}, { _id: 1 }).lean());
      if (authors.length === 0) return [];
      const docs = await FollowEdge.find(
        { followerId: toObjectId(followerId), followeeId: operator({ $in: authors.map(toObjectId) }) },
        { followeeId: 1, _id: 0 },
      ).lean();
      return docs.map((doc) => String(doc.followeeId));
    },

    /** Which of `authorIds` are high-follower authors. */
    async highFollowerAuthorsAmong(authorIds: readonly string[]): Promise<Set<string>> {
      return new Set(ids(await HighFollowerAuthor.find({ _id: operator({ $in: authorIds.map(toObjectId) }) }, { _id: 1 }).lean()));
    },

    markHighFollowerAuthor,

    /** Rebuilding: writes `edges` marked with `stamp` (made, or found and marked). */
    async stamp(edges: readonly Edge[], stamp: string): Promise<void> {
      if (edges.length === 0) return;
      await FollowEdge.bulkWrite(
        edges.map((edge) => ({ updateOne: { filter: edgeFilter(edge), update: { $set: { rebuild: stamp } }, upsert: true } })),
        { ordered: false },
      );
    },

    /** Rebuilding: removes the edges the rebuild did not see, which are no longer in the users subgraph. */
    async sweepUnstamped(stamp: string): Promise<void> {
      await FollowEdge.deleteMany({ rebuild: operator({ $ne: stamp }) });
    },

    /** Rebuilding: the authors with more than `threshold` followers are the high-follower authors, and no others. */
    async recomputeHighFollowerAuthors(threshold: number): Promise<string[]> {
      const counted = await FollowEdge.aggregate<{ _id: unknown }>([
        { $group: { _id: '$followeeId', followers: { $sum: 1 } } },
        { $match: { followers: { $gt: threshold } } },
        { $project: { _id: 1 } },
      ]);
      const authors = ids(counted);
      await HighFollowerAuthor.deleteMany({ _id: operator({ $nin: authors.map(toObjectId) }) });
      for (const author of authors) await markHighFollowerAuthor(author);
      return authors;
    },

    /** Rebuilding: everyone who follows someone. */
    async followers(): Promise<string[]> {
      return (await FollowEdge.distinct('followerId')).map(String);
    },

    /** Everyone the projection names: followers, the followed, high-follower authors. */
    async accounts(): Promise<string[]> {
      const [followers, followed, highFollower] = await Promise.all([
        FollowEdge.distinct('followerId'),
        FollowEdge.distinct('followeeId'),
        HighFollowerAuthor.distinct('_id'),
      ]);
      return [...new Set([...followers, ...followed, ...highFollower].map(String))];
    },

    /** Deleted accounts leave the graph: their edges both ways, and their high-follower mark. */
    async removeAccounts(accountIds: readonly string[]): Promise<void> {
      if (accountIds.length === 0) return;
      const ids = accountIds.map(toObjectId);
      await FollowEdge.deleteMany({ $or: [{ followerId: operator({ $in: ids }) }, { followeeId: operator({ $in: ids }) }] });
      await HighFollowerAuthor.deleteMany({ _id: operator({ $in: ids }) });
    },
  };
}
