import type { Document } from './bson';
import { invalidNamespace } from './errors';
import type { Cursors } from './cursors';
import type { Store } from './store';

export interface ServerContext {
  store: Store;
  cursors: Cursors;
}

export interface CommandContext extends ServerContext {
  db: string;
  connectionId: number;
}

/** A command handler: synchronous, so its check-then-write never interleaves with another client's. */
export type Handler = (cmd: Document, ctx: CommandContext) => Document;

/** The collection a command names in its first field. */
export function collectionArg(cmd: Document, name: string): string {
  const value = cmd[name];
  if (typeof value !== 'string' || value === '') {
    throw invalidNamespace(`collection name has invalid type ${value === '' ? 'empty string' : typeof value}`);
  }
  return value;
}
