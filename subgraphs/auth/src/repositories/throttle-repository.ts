import type { Connection } from 'mongoose';
import { isDuplicateKeyError, operator } from '@chirp/subgraph-kit';
import { throttleModel, type ThrottleDocument } from '../models/throttle';

/** A key's current window: the hits counted in it, this one included, and when it ends. */
export interface ThrottleWindow {
  count: number;
  expiresAt: Date;
}

/**
 * Two racing first hits on a key both miss the live window and both try to
 * start one: one inserts, the other gets E11000 and goes round again to count
 * in the window just started. More rounds than this mean something else is wrong.
 */
const MAX_ROUNDS = 5;

export type ThrottleRepository = Awaited<ReturnType<typeof createThrottleRepository>>;

export async function createThrottleRepository(connection: Connection) {
  const Throttle = await throttleModel(connection);
  const toWindow = (doc: Pick<ThrottleDocument, 'count' | 'expiresAt'>): ThrottleWindow => ({ count: doc.count, expiresAt: doc.expiresAt });

  return {
    /**
     * Counts one hit on `key`: in its live window when there is one, else in a
     * new window of `windowMs` from `now`. Every step is a single-document
     * atomic write, so concurrent hits, from any process, are each counted once.
     */
    async hit(key: string, now: Date, windowMs: number): Promise<ThrottleWindow> {
      for (let round = 1; ; round += 1) {
        const live = await Throttle.findOneAndUpdate(
          { _id: key, expiresAt: operator({ $gt: now }) },
          { $inc: { count: 1 } },
          { returnDocument: 'after' },
        ).lean();
        if (live) return toWindow(live);
        try {
          // Replaces an ended window still stored, or inserts the first one.
          const started = await Throttle.findOneAndUpdate(
            { _id: key, expiresAt: operator({ $lte: now }) },
            { $set: { count: 1, expiresAt: new Date(now.getTime() + windowMs) } },
            { upsert: true, returnDocument: 'after' },
          ).lean();
          return toWindow(started);
        } catch (error) {
          if (!isDuplicateKeyError(error) || round >= MAX_ROUNDS) throw error;
        }
      }
    },

    /** Takes back one hit from `window`, if that window is still the key's; a later one is left alone. */
    async refund(key: string, window: ThrottleWindow): Promise<void> {
      await Throttle.updateOne({ _id: key, expiresAt: window.expiresAt, count: operator({ $gt: 0 }) }, { $inc: { count: -1 } });
    },

    async remove(key: string): Promise<void> {
      await Throttle.deleteOne({ _id: key });
    },
  };
}
