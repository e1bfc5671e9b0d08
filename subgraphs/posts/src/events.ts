import type { PublishedStream } from '@chirp/subgraph-kit';
import type { mongo } from 'mongoose';

/**
 * The streams the posts subgraph publishes (docs/ARCHITECTURE.md, "Events"); its own timeline worker
 * is their first consumer, and reads them the way any other would.
 */

/** A post written or deleted; `at` is when. */
export type PostEvent =
  | { type: 'created'; postId: string; authorId: string; createdAt: Date; at: Date }
  | { type: 'deleted'; postId: string; at: Date };

/** Posts made and deleted, from the `posts` collection; an edit is not an event (timelines hold ids). */
export const postStream: PublishedStream<PostEvent> = {
  name: 'posts.posts',
  collection: 'posts',
  options: {},
  pipeline: [
    { $match: { operationType: { $in: ['insert', 'delete', 'invalidate'] } } },
    {
      $project: {
        operationType: 1,
        wallTime: 1,
        type: { $cond: [{ $eq: ['$operationType', 'insert'] }, 'created', 'deleted'] },
        postId: '$documentKey._id',
        authorId: '$fullDocument.authorId',
        createdAt: '$fullDocument.createdAt',
        at: '$wallTime',
      },
    },
  ],
  decode: (event: mongo.Document): PostEvent => {
    const at = event.at instanceof Date ? event.at : new Date();
    return event.type === 'created'
      ? { type: 'created', postId: String(event.postId), authorId: String(event.authorId), createdAt: event.createdAt as Date, at }
      : { type: 'deleted', postId: String(event.postId), at };
  },
};
