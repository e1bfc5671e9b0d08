import type { PublishedStream } from '@chirp/subgraph-kit';
import type { mongo } from 'mongoose';

/**
 * The streams the auth subgraph publishes (docs/ARCHITECTURE.md, "Events"). A consumer imports this
 * module, and nothing else of the auth package, and reads the auth database only through it.
 */

/** An account made or deleted; `at` is when. */
export interface AccountEvent {
  type: 'registered' | 'deleted';
  userId: string;
  at: Date;
}

/**
 * Accounts, from the `users` collection: an insert is a registration, a delete the account's deletion
 * (`deleteAccount`), after which every service removes what it holds of the account. Only ids leave
 * the auth database: nothing of a profile, an e-mail or a password hash is in an event.
 */
export const accountStream: PublishedStream<AccountEvent> = {
  name: 'auth.accounts',
  collection: 'users',
  options: {},
  pipeline: [
    { $match: { operationType: { $in: ['insert', 'delete', 'invalidate'] } } },
    {
      $project: {
        operationType: 1,
        wallTime: 1,
        type: { $cond: [{ $eq: ['$operationType', 'insert'] }, 'registered', 'deleted'] },
        userId: '$documentKey._id',
        at: '$wallTime',
      },
    },
  ],
  /** Every account there is now, as its registration: a consumer rebuilding removes data of any other. */
  snapshot: [{ $project: { _id: 0, type: { $literal: 'registered' }, userId: '$_id', at: '$createdAt' } }],
  decode: (event: mongo.Document): AccountEvent => ({
    type: event.type === 'registered' ? 'registered' : 'deleted',
    userId: String(event.userId),
    at: event.at instanceof Date ? event.at : new Date(),
  }),
};
