import { Schema, type Connection, type mongo } from 'mongoose';
import { isDuplicateKeyError, operator } from './db';
import { defineModel } from './model';

/**
 * Where a stream worker stands in each stream it follows: a resume token once it has read something,
 * or the cluster time a rebuild started from (everything written since is still to be applied).
 */
export type StreamPosition = { token: mongo.Document } | { startAt: mongo.Timestamp };

/**
 * One document per stream worker, in the consumer's own database: who holds the worker's lease and
 * until when, how far it has applied each stream, and whether a rebuild was asked for. Positions are
 * saved only by the lease's holder, in the same write that renews the lease, so that a worker that has
 * lost its lease can never move a position.
 */
const workerStateSchema = new Schema(
  {
    _id: { type: String, required: true },
    holder: { type: String, default: null },
    expiresAt: { type: Date, required: true },
    positions: { type: Schema.Types.Mixed, default: {} },
    rebuildRequested: { type: Boolean, default: false },
  },
  { collection: 'stream_workers', versionKey: false, autoIndex: false, minimize: false },
);

export const workerStateModel = defineModel('StreamWorkerState', workerStateSchema);

export interface HeldLease {
  positions: Record<string, StreamPosition>;
  rebuildRequested: boolean;
}

export type WorkerLeases = Awaited<ReturnType<typeof createWorkerLeases>>;

/**
 * Stream names hold dots ("users.follows"), which a field path would read as nesting: in the stored
 * document they are keys with ':' instead ("users:follows").
 */
const storedKey = (stream: string) => stream.replaceAll('.', ':');
const streamName = (key: string) => key.replaceAll(':', '.');

export async function createWorkerLeases(connection: Connection) {
  const State = await workerStateModel(connection);
  const held = (worker: string, holder: string) => ({ _id: worker, holder });
  const toLease = (doc: { positions?: unknown; rebuildRequested?: boolean }): HeldLease => ({
    positions: Object.fromEntries(Object.entries((doc.positions ?? {}) as Record<string, StreamPosition>).map(([key, at]) => [streamName(key), at])),
    rebuildRequested: doc.rebuildRequested ?? false,
  });

  return {
    /** Takes the lease when it is free, expired or already ours; null when another holds it. */
    async acquire(worker: string, holder: string, leaseMs: number): Promise<HeldLease | null> {
      const now = new Date();
      const takeable = { _id: worker, $or: [{ holder }, { holder: null }, { expiresAt: operator({ $lte: now }) }] };
      try {
        const doc = await State.findOneAndUpdate(
          takeable,
          { $set: { holder, expiresAt: new Date(now.getTime() + leaseMs) } },
          { upsert: true, returnDocument: 'after', setDefaultsOnInsert: true },
        ).lean();
        return doc ? toLease(doc) : null;
      } catch (error) {
        // The upsert's insert met the document: another instance holds a lease that has not expired.
        if (isDuplicateKeyError(error)) return null;
        throw error;
      }
    },

    /**
     * Renews the lease and, with `position`, saves how far `stream` has been applied. Null when the lease
     * is no longer ours (it expired and another instance took it); otherwise whether a rebuild is wanted.
     */
    async renew(worker: string, holder: string, leaseMs: number, position?: { stream: string; at: StreamPosition }): Promise<HeldLease | null> {
      const set: Record<string, unknown> = { expiresAt: new Date(Date.now() + leaseMs) };
      if (position) set[`positions.${storedKey(position.stream)}`] = position.at;
      const doc = await State.findOneAndUpdate(held(worker, holder), { $set: set }, { returnDocument: 'after' }).lean();
      return doc ? toLease(doc) : null;
    },

    /** After a rebuild: every position at once, and the request (if any) answered. */
    async rebuilt(worker: string, holder: string, positions: Record<string, StreamPosition>): Promise<boolean> {
      const stored = Object.fromEntries(Object.entries(positions).map(([stream, at]) => [storedKey(stream), at]));
      const { matchedCount } = await State.updateOne(held(worker, holder), { $set: { positions: stored, rebuildRequested: false } });
      return matchedCount === 1;
    },

    /** Lets another instance take over at once, keeping the positions. */
    async release(worker: string, holder: string): Promise<void> {
      await State.updateOne(held(worker, holder), { $set: { holder: null, expiresAt: new Date(0) } });
    },

    /** Asks whoever holds (or next takes) the lease to rebuild. */
    async requestRebuild(worker: string): Promise<void> {
      await State.updateOne({ _id: worker }, { $set: { rebuildRequested: true }, $setOnInsert: { expiresAt: new Date(0) } }, { upsert: true });
    },

    async state(worker: string): Promise<{ holder: string | null; expiresAt: Date; rebuildRequested: boolean } | null> {
      const doc = await State.findById(worker, { holder: 1, expiresAt: 1, rebuildRequested: 1 }).lean();
      return doc ? { holder: doc.holder ?? null, expiresAt: doc.expiresAt, rebuildRequested: doc.rebuildRequested ?? false } : null;
    },
  };
}
