import type { PublishedStream } from '@chirp/subgraph-kit';
import type { mongo } from 'mongoose';

/**
 * The streams the users subgraph publishes (docs/ARCHITECTURE.md, "Events"). A consumer imports this
 * module, and nothing else of the users package, and reads the users database only through it.
 */

/** An edge of the social graph made or removed; `at` is when. */
export interface FollowEvent {
  type: 'follow' | 'unfollow';
  followerId: string;
  followeeId: string;
  at: Date;
}

/** Either side of the edge: the document inserted, or the one deleted (its pre-image). */
const edgeField = (field: string) => ({ $ifNull: [`$fullDocument.${field}`, `$fullDocumentBeforeChange.${field}`] });

/**
 * Follows and unfollows, from the `follows` collection: an insert is a follow, a delete an unfollow
 * (the collection keeps pre-images for that: models/follow.ts). A pre-image the server no longer has
 * fails the stream (`required`), and the consumer rebuilds, rather than miss an unfollow.
 */
export const followStream: PublishedStream<FollowEvent> = {
  name: 'users.follows',
  collection: 'follows',
  options: { fullDocumentBeforeChange: 'required' },
  pipeline: [
    { $match: { operationType: { $in: ['insert', 'delete', 'invalidate'] } } },
    {
      $project: {
        operationType: 1,
        wallTime: 1,
        type: { $cond: [{ $eq: ['$operationType', 'insert'] }, 'follow', 'unfollow'] },
        followerId: edgeField('followerId'),
        followeeId: edgeField('followeeId'),
        at: { $ifNull: ['$fullDocument.createdAt', '$wallTime'] },
      },
    },
  ],
  snapshot: [{ $project: { _id: 0, type: { $literal: 'follow' }, followerId: 1, followeeId: 1, at: '$createdAt' } }],
  decode: (event: mongo.Document): FollowEvent => ({
    type: event.type === 'follow' ? 'follow' : 'unfollow',
    followerId: String(event.followerId),
    followeeId: String(event.followeeId),
    at: event.at instanceof Date ? event.at : new Date(),
  }),
};
