import { type RunningServer, listen } from './src/server';

export type { RunningServer };

export interface EmbeddedMongoOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
}

/** Starts an in-memory MongoDB-compatible server; resolves once it accepts connections. */
export function startEmbeddedMongo({ port = 0, host = '127.0.0.1' }: EmbeddedMongoOptions = {}): Promise<RunningServer> {
  return listen(host, port);
}
