import type { Connection } from 'mongoose';
import { afterCursorFilter, operator, pageSort, toObjectId } from '@chirp/subgraph-kit';
import type { PageRequest } from '@chirp/platform';
import { postModel, type PostDocument } from '../models/post';

export interface PostRecord {
  id: string;
  authorId: string;
  content: string;
  createdAt: Date;
  updatedAt: Date;
  editedAt: Date | null;
  likeCount: number;
  commentCount: number;
}

export type PostRepository = Awaited<ReturnType<typeof createPostRepository>>;

function toRecord(doc: PostDocument): PostRecord {
  return {
    id: String(doc._id),
    authorId: String(doc.authorId),
    content: doc.content,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    editedAt: doc.editedAt ?? null,
    likeCount: doc.likeCount,
    commentCount: doc.commentCount,
  };
}

export async function createPostRepository(connection: Connection) {
  const Post = await postModel(connection);

  return {
    async create(authorId: string, content: string): Promise<PostRecord> {
      const doc = await Post.create({ authorId: toObjectId(authorId), content });
      return toRecord(doc.toObject());
    },

    async findByIds(ids: readonly string[]): Promise<PostRecord[]> {
      const docs = await Post.find({ _id: operator({ $in: ids.map(toObjectId) }) }).lean();
      return docs.map(toRecord);
    },

    /** Newest first, by any of `authorIds`: one author's posts, or the part of a feed its timeline does not hold. */
    async pageByAuthors(authorIds: readonly string[], request: PageRequest): Promise<PostRecord[]> {
      const docs = await Post.find({
        authorId: operator({ $in: authorIds.map(toObjectId) }),
        ...afterCursorFilter(request.after, 'newest-first'),
      })
        .sort(pageSort('newest-first'))
        .limit(request.first + 1)
        .lean();
      return docs.map(toRecord);
    },

    /** Everyone who has written a post; of `among`, when given. */
    async authors(among?: readonly string[]): Promise<string[]> {
      const filter = among ? { authorId: operator({ $in: among.map(toObjectId) }) } : {};
      return (await Post.distinct('authorId', filter)).map(String);
    },

    /** Edits only if `authorId` wrote the post; null when no such post by that author exists (any more). */
    async updateContent(id: string, authorId: string, content: string): Promise<PostRecord | null> {
      const doc = await Post.findOneAndUpdate(
        { _id: toObjectId(id), authorId: toObjectId(authorId) },
        { $set: { content, editedAt: new Date() } },
        { returnDocument: 'after' },
      ).lean();
      return doc ? toRecord(doc) : null;
    },

    /** Returns whether this call deleted it (a concurrent delete may have been first). */
    async delete(id: string, authorId: string): Promise<boolean> {
      const { deletedCount } = await Post.deleteOne({ _id: toObjectId(id), authorId: toObjectId(authorId) });
      return deletedCount === 1;
    },

    /** Up to `limit` posts of `authorIds`, by id: removing an account's posts takes them a page at a time. */
    async idsByAuthors(authorIds: readonly string[], limit: number): Promise<string[]> {
      const docs = await Post.find({ authorId: operator({ $in: authorIds.map(toObjectId) }) }, { _id: 1 }).limit(limit).lean();
      return docs.map((doc) => String(doc._id));
    },

    async deleteByIds(ids: readonly string[]): Promise<void> {
      if (ids.length === 0) return;
      await Post.deleteMany({ _id: operator({ $in: ids.map(toObjectId) }) });
    },

    /** Sets a counter of each post in `counts` to its recounted value (an edit's `updatedAt` stays). */
    async setCounts(counter: 'likeCount' | 'commentCount', counts: ReadonlyMap<string, number>): Promise<void> {
      if (counts.size === 0) return;
      await Post.bulkWrite(
        [...counts].map(([id, count]) => ({ updateOne: { filter: { _id: toObjectId(id) }, update: { $set: { [counter]: count } }, timestamps: false } })),
        { ordered: false },
      );
    },

    /** Moves a counter and returns the post as it is now; null if it is gone. */
    async increment(id: string, counter: 'likeCount' | 'commentCount', delta: 1 | -1): Promise<PostRecord | null> {
      const doc = await Post.findOneAndUpdate(
        { _id: toObjectId(id) },
        { $inc: { [counter]: delta } },
        { returnDocument: 'after', timestamps: false },
      ).lean();
      return doc ? toRecord(doc) : null;
    },
  };
}
