import { Schema, type Connection } from 'mongoose';
import { unauthenticated } from '@chirp/platform';
import { operator } from './db';
import { defineModel } from './model';

/**
 * The accounts a consumer of auth's account stream has seen deleted, kept in its own database. Written
 * before the account's data is removed, and read by every write that would add data of an account (a
 * follow, a post, a like) and by the consumer's other streams, so that nothing of a deleted account is
 * written again after its removal: an event of another stream, or a request whose token was still
 * believed, arriving late. Those come within seconds (the session check's 30 s bound, a stream's
 * lag), so a record is kept a week from when it was written, then goes: an id and two dates are all
 * it holds, and after that nothing of the account is left.
 */
const deletedAccountSchema = new Schema(
  {
    _id: { type: String, required: true },
    deletedAt: { type: Date, required: true },
    recordedAt: { type: Date, required: true },
  },
  { collection: 'deleted_accounts', versionKey: false, autoIndex: false },
);

export const DELETED_ACCOUNT_RETENTION_SECONDS = 7 * 86_400;
deletedAccountSchema.index({ recordedAt: 1 }, { expireAfterSeconds: DELETED_ACCOUNT_RETENTION_SECONDS, name: 'recordedAt_ttl' });

export const deletedAccountModel = defineModel('DeletedAccount', deletedAccountSchema);

/** A write by an account whose deletion has reached this service: its token may be believed a while longer. */
export const accountDeleted = () => unauthenticated('The account of this token has been deleted');

export type DeletedAccounts = Awaited<ReturnType<typeof createDeletedAccounts>>;

export async function createDeletedAccounts(connection: Connection) {
  const DeletedAccount = await deletedAccountModel(connection);
  return {
    /** Idempotent: a replayed deletion keeps the first time it was seen. */
    async record(userIds: readonly string[], deletedAt: Date): Promise<void> {
      if (userIds.length === 0) return;
      await DeletedAccount.bulkWrite(
        userIds.map((userId) => ({
          updateOne: { filter: { _id: userId }, update: { $setOnInsert: { deletedAt, recordedAt: new Date() } }, upsert: true },
        })),
        { ordered: false },
      );
    },

    /** Of `userIds`, those deleted. */
    async deletedAmong(userIds: readonly string[]): Promise<Set<string>> {
      if (userIds.length === 0) return new Set();
      const docs = await DeletedAccount.find({ _id: operator({ $in: [...new Set(userIds)] }) }, { _id: 1 }).lean();
      return new Set(docs.map((doc) => doc._id));
    },

    async isDeleted(userId: string): Promise<boolean> {
      return (await DeletedAccount.exists({ _id: userId })) !== null;
    },
  };
}
