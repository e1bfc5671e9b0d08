import type { Connection } from 'mongoose';
import { isDuplicateKeyError, operator, toObjectId } from '@chirp/subgraph-kit';
import { likeModel } from '../models/like';
import { recordsOnPosts } from './records-on-posts';

export type LikeRepository = Awaited<ReturnType<typeof createLikeRepository>>;

export async function createLikeRepository(connection: Connection) {
  const Like = await likeModel(connection);

  return {
    /** Returns whether a like was added: the unique index makes a second like, even a racing one, a no-op. */
    async add(postId: string, userId: string): Promise<boolean> {
      try {
        await Like.create({ postId: toObjectId(postId), userId: toObjectId(userId) });
        return true;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    },

    /** Returns whether a like was removed. */
    async remove(postId: string, userId: string): Promise<boolean> {
      const { deletedCount } = await Like.deleteOne({ postId: toObjectId(postId), userId: toObjectId(userId) });
      return deletedCount === 1;
    },

    /** Which of `postIds` the user likes. */
    async likedAmong(userId: string, postIds: readonly string[]): Promise<Set<string>> {
      const docs = await Like.find({ postId: operator({ $in: postIds.map(toObjectId) }), userId: toObjectId(userId) }, { postId: 1, _id: 0 }).lean();
      return new Set(docs.map((doc) => String(doc.postId)));
    },

    ...recordsOnPosts(Like, 'userId'),
  };
}
