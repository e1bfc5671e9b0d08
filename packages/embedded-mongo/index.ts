import { DEFAULT_CHANGE_STREAM_HISTORY } from './src/oplog';
import { REPLICA_SET_NAME, type RunningServer, listen } from './src/server';

export type { RunningServer };
export { DEFAULT_CHANGE_STREAM_HISTORY, REPLICA_SET_NAME };

export interface EmbeddedMongoOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** How many change events are kept for resuming change streams (default 100,000). */
  changeStreamHistory?: number;
}

/**
 * Starts an in-memory MongoDB-compatible server, the primary of a single-node replica set;
 * resolves once it accepts connections. Its `uri` names the replica set.
 */
export function startEmbeddedMongo({
  port = 0,
  host = '127.0.0.1',
  changeStreamHistory = DEFAULT_CHANGE_STREAM_HISTORY,
}: EmbeddedMongoOptions = {}): Promise<RunningServer> {
  return listen({ host, port, changeStreamHistory });
}
