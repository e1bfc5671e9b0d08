import { Binary, type Document, Long, isPlainObject, keyOf } from './bson';
import { failedToParse, invalidOptions, transactionTooOld } from './errors';

/** What `hello` advertises; a session idle this long is forgotten, as mongod reaps it. */
export const LOGICAL_SESSION_TIMEOUT_MINUTES = 30;
const SESSION_TIMEOUT_MS = LOGICAL_SESSION_TIMEOUT_MINUTES * 60_000;
/** Drivers pool their sessions, so a few thousand cover any number of clients; the oldest go first. */
const MAX_SESSIONS = 10_000;

/** The results of the statements a retryable write has applied, by statement id. */
export interface StatementLog {
  get(stmtId: number): Document | undefined;
  set(stmtId: number, result: Document): void;
}

interface SessionRecord {
  txnNumber: number;
  results: Map<number, Document>;
  touched: number;
}

function txnNumberOf(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (value instanceof Long) return value.toNumber();
  throw failedToParse(`txnNumber must be a 64-bit integer, got ${typeof value}`);
}

function sessionName(lsid: Document): string {
  return lsid.id instanceof Binary ? Buffer.from(lsid.id.buffer).toString('hex') : keyOf(lsid.id);
}

/**
 * Per logical session, the last retryable write (its txnNumber) and what each of its statements
 * returned, so that a retry of the same txnNumber applies only what the first attempt did not and
 * answers for the rest as the first attempt did. Only the last txnNumber is kept: drivers retry a
 * write once, before the session moves on.
 */
export class Sessions {
  private readonly records = new Map<string, SessionRecord>();

  begin(lsid: unknown, txnNumber: unknown): StatementLog {
    if (!isPlainObject(lsid) || lsid.id === undefined) throw invalidOptions('Transaction number requires a session ID to also be specified');
    const txn = txnNumberOf(txnNumber);
    const key = keyOf(lsid);
    const now = Date.now();
    let record = this.records.get(key);
    if (record && txn < record.txnNumber) {
      throw transactionTooOld(
        `Retryable write with txnNumber ${txn} is prohibited on session ${sessionName(lsid)} because a newer retryable write with txnNumber ${record.txnNumber} has already started on this session.`,
      );
    }
    if (!record || txn > record.txnNumber) record = { txnNumber: txn, results: new Map(), touched: now };
    // Re-inserted so that the map stays in least-recently-used order.
    this.records.delete(key);
    record.touched = now;
    this.records.set(key, record);
    this.evict(now);
    const { results } = record;
    return { get: (id) => results.get(id), set: (id, result) => results.set(id, result) };
  }

  private evict(now: number): void {
    for (const [key, record] of this.records) {
      if (this.records.size <= MAX_SESSIONS && record.touched > now - SESSION_TIMEOUT_MS) break;
      this.records.delete(key);
    }
  }
}
