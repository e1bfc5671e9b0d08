import type { Model } from 'mongoose';
import { operator, toObjectId } from '@chirp/subgraph-kit';

/**
 * What likes and comments share: records an account leaves on a post, each counted by a counter of the
 * post (`likeCount`, `commentCount`). The reads and deletes that a post's or an account's removal needs,
 * for either collection: `accountField` names whose the record is (`userId` of a like, `authorId` of a
 * comment).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the two models' document types differ; every query here names only postId and accountField
export function recordsOnPosts(model: Model<any>, accountField: 'userId' | 'authorId') {
  const ofAccounts = (accountIds: readonly string[]) => ({ [accountField]: operator({ $in: accountIds.map(toObjectId) }) });
  const onPosts = (postIds: readonly string[]) => ({ postId: operator({ $in: postIds.map(toObjectId) }) });

  return {
    async deleteByPosts(postIds: readonly string[]): Promise<void> {
      if (postIds.length === 0) return;
      await model.deleteMany(onPosts(postIds));
    },

    /** The posts that up to `limit` records of `accountIds` are on. */
    async postsOf(accountIds: readonly string[], limit: number): Promise<string[]> {
      const docs = await model.find(ofAccounts(accountIds), { postId: 1, _id: 0 }).limit(limit).lean<{ postId: unknown }[]>();
      return [...new Set(docs.map((doc) => String(doc.postId)))];
    },

    /** The records on each of `postIds`, not counting those of `exceptAccountIds`. */
    async countByPosts(postIds: readonly string[], exceptAccountIds: readonly string[]): Promise<Map<string, number>> {
      const counted = await model.aggregate<{ _id: unknown; count: number }>([
        { $match: { postId: { $in: postIds.map(toObjectId) }, [accountField]: { $nin: exceptAccountIds.map(toObjectId) } } },
        { $group: { _id: '$postId', count: { $sum: 1 } } },
      ]);
      return new Map([...postIds.map((id) => [id, 0] as const), ...counted.map((doc) => [String(doc._id), doc.count] as const)]);
    },

    /** The records of `accountIds` on `postIds`. */
    async deleteOf(accountIds: readonly string[], postIds: readonly string[]): Promise<void> {
      await model.deleteMany({ ...ofAccounts(accountIds), ...onPosts(postIds) });
    },

    /** Every account with a record here. */
    async accounts(): Promise<string[]> {
      return (await model.distinct(accountField)).map(String);
    },
  };
}
