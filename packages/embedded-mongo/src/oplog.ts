import { randomBytes } from 'node:crypto';
import { type Binary, type Document, Timestamp } from './bson';

export const DEFAULT_CHANGE_STREAM_HISTORY = 100_000;

export type OpType = 'insert' | 'update' | 'replace' | 'delete' | 'drop' | 'dropDatabase';

export interface UpdateDescription {
  updatedFields: Document;
  removedFields: string[];
  truncatedArrays: { field: string; newSize: number }[];
}

/** One write as change streams see it; `coll` is absent for dropDatabase. */
export interface Change {
  op: OpType;
  db: string;
  coll?: string;
  /** The collection's uuid, so that an update lookup does not read a later collection of the same name. */
  uuid?: Binary;
  documentKey?: Document;
  /**
   * The document as written: by an insert or replace, and by an update when its collection records
   * pre- and post-images. Stored documents are immutable, so it is not copied.
   */
  doc?: Document;
  update?: UpdateDescription;
  /**
   * The document as it was before an update, replace or delete, kept only when its collection had
   * changeStreamPreAndPostImages enabled at the time: the pre-image, which leaves with its entry.
   */
  preImage?: Document;
}

export interface OplogEntry extends Change {
  seq: number;
  ts: Timestamp;
  wallTime: Date;
}

export function compareTs(a: Timestamp, b: Timestamp): number {
  return a.t - b.t || a.i - b.i;
}

/**
 * The server's history of writes, in one total order: each entry gets the next sequence number and
 * a cluster time (a BSON Timestamp, seconds and an increment, unique per entry as in mongod's oplog).
 * Only the last `capacity` entries are kept, in a ring; what falls out is remembered as
 * `lostThrough`, so that a reader asking for older entries learns its history is lost.
 */
export class Oplog {
  /** Tokens carry it: a token of another server instance points at a history this one never had. */
  readonly instance = randomBytes(8);
  readonly startedAt: Timestamp;
  private latest: Timestamp;
  private readonly ring: OplogEntry[] = [];
  private firstSeq = 1;
  private nextSeq = 1;
  private lost: Timestamp | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(readonly capacity = DEFAULT_CHANGE_STREAM_HISTORY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`change stream history must be a positive integer, got ${capacity}`);
    this.startedAt = new Timestamp({ t: Math.floor(Date.now() / 1000), i: 0 });
    this.latest = this.startedAt;
  }

  /** The cluster time of the last write, or of the start when nothing was written. */
  get latestTs(): Timestamp {
    return this.latest;
  }

  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  get oldestSeq(): number {
    return this.firstSeq;
  }

  /** The cluster time of the newest entry no longer kept. */
  get lostThrough(): Timestamp | undefined {
    return this.lost;
  }

  append(change: Change): OplogEntry {
    // One shape for every entry (no spread): appends are on every write's path.
    const { op, db, coll, uuid, documentKey, doc, update, preImage } = change;
    const entry: OplogEntry = { seq: this.nextSeq++, ts: this.tick(), wallTime: new Date(), op, db, coll, uuid, documentKey, doc, update, preImage };
    if (entry.seq - this.firstSeq >= this.capacity) {
      this.lost = (this.ring[this.firstSeq % this.capacity] as OplogEntry).ts;
      this.firstSeq++;
    }
    this.ring[entry.seq % this.capacity] = entry;
    // Waiters resume in a microtask, after the command that wrote has finished all its writes.
    if (this.waiters.size > 0) for (const wake of [...this.waiters]) wake();
    return entry;
  }

  entry(seq: number): OplogEntry | undefined {
    return seq >= this.firstSeq && seq < this.nextSeq ? this.ring[seq % this.capacity] : undefined;
  }

  /** The sequence number of the kept entry written at `ts`, if any. */
  seqOf(ts: Timestamp): number | undefined {
    const seq = this.lastAtOrBefore(ts);
    return seq >= this.firstSeq && compareTs((this.entry(seq) as OplogEntry).ts, ts) === 0 ? seq : undefined;
  }

  /** The last kept sequence number whose cluster time is at most `ts` (firstSeq - 1 when none). */
  lastAtOrBefore(ts: Timestamp): number {
    let lo = this.firstSeq;
    let hi = this.nextSeq - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (compareTs((this.entry(mid) as OplogEntry).ts, ts) <= 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi;
  }

  /** Resolves at the next append, after `ms`, or when `signal` aborts, whichever comes first. */
  waitForAppend(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      if (signal.aborted) return done();
      signal.addEventListener('abort', done);
      this.waiters.add(done);
    });
  }

  private tick(): Timestamp {
    const seconds = Math.floor(Date.now() / 1000);
    // A clock that steps back must not reorder the history: the increment carries on instead.
    this.latest =
      seconds > this.latest.t ? new Timestamp({ t: seconds, i: 1 }) : new Timestamp({ t: this.latest.t, i: this.latest.i + 1 });
    return this.latest;
  }
}
