import type { Connection } from 'mongoose';
import { afterCursorFilter, pageSort, toObjectId } from '@chirp/subgraph-kit';
import type { PageRequest } from '@chirp/platform';
import { commentModel, type CommentDocument } from '../models/comment';
import { recordsOnPosts } from './records-on-posts';

export interface CommentRecord {
  id: string;
  postId: string;
  authorId: string;
  content: string;
  createdAt: Date;
}

export type CommentRepository = Awaited<ReturnType<typeof createCommentRepository>>;

const toRecord = (doc: CommentDocument): CommentRecord => ({
  id: String(doc._id),
  postId: String(doc.postId),
  authorId: String(doc.authorId),
  content: doc.content,
  createdAt: doc.createdAt,
});

export async function createCommentRepository(connection: Connection) {
  const Comment = await commentModel(connection);

  return {
    async create(postId: string, authorId: string, content: string): Promise<CommentRecord> {
      const doc = await Comment.create({ postId: toObjectId(postId), authorId: toObjectId(authorId), content });
      return toRecord(doc.toObject());
    },

    /** Oldest first, as a conversation reads. */
    async pageByPost(postId: string, request: PageRequest): Promise<CommentRecord[]> {
      const docs = await Comment.find({ postId: toObjectId(postId), ...afterCursorFilter(request.after, 'oldest-first') })
        .sort(pageSort('oldest-first'))
        .limit(request.first + 1)
        .lean();
      return docs.map(toRecord);
    },

    async delete(id: string): Promise<void> {
      await Comment.deleteOne({ _id: toObjectId(id) });
    },

    ...recordsOnPosts(Comment, 'authorId'),
  };
}
