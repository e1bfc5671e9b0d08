import type { Document, ObjectId } from './bson';
import { invalidNamespace } from './errors';
import type { Cursors } from './cursors';
import type { Sessions, StatementLog } from './sessions';
import type { Store } from './store';

/** This server as the only member, and primary, of its replica set. */
export interface Member {
  setName: string;
  /** host:port, as clients reach it and as `hello` lists it. */
  name: string;
  /** Grows with each start, so a driver that saw an earlier run never takes this one for a stale primary. */
  term: number;
  electionId: ObjectId;
  /** The `topologyVersion.processId` of `hello`: streaming monitors wait on it. */
  processId: ObjectId;
}

export interface ServerContext {
  store: Store;
  cursors: Cursors;
  sessions: Sessions;
  member: Member;
}

export interface CommandContext extends ServerContext {
  db: string;
  connectionId: number;
  /** Aborts when the connection closes or the server stops: whatever waits for it gives up. */
  signal: AbortSignal;
  /** The statements of this retryable write already applied, when the command carries a txnNumber. */
  statements?: StatementLog;
}

/**
 * A command handler. Every check-then-write is synchronous, so it never interleaves with another
 * client's; only waiting (a change stream's getMore, an awaitable hello) returns a promise.
 */
export type Handler = (cmd: Document, ctx: CommandContext) => Document | Promise<Document>;

/** The collection a command names in its first field. */
export function collectionArg(cmd: Document, name: string): string {
  const value = cmd[name];
  if (typeof value !== 'string' || value === '') {
    throw invalidNamespace(`collection name has invalid type ${value === '' ? 'empty string' : typeof value}`);
  }
  return value;
}
