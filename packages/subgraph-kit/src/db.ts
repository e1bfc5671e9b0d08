import mongoose, { type Connection } from 'mongoose';
import type { CursorPosition } from '@chirp/platform';

/**
 * Each subgraph opens its own connection (not mongoose's global one), to its
 * own database, so that several can live in one process, as the tests run them.
 * Command monitoring is on so that metrics and tests can observe MongoDB traffic.
 *
 * While the database is unreachable, a command fails after the server
 * selection timeout (no buffering in mongoose), so that a request answers
 * "unavailable" well within the gateway's own timeout; the driver reconnects
 * by itself when the database is back.
 *
 * `sanitizeFilter` is a second line against operator injection: a filter value
 * that is an object with `$` keys is taken literally unless wrapped in
 * `trusted()` (see `operator` below), even if a string check upstream failed.
 */
export const SERVER_SELECTION_TIMEOUT_MS = 3000;

export async function connectDatabase(uri: string, dbName: string): Promise<Connection> {
  const connection = mongoose.createConnection(uri, {
    dbName,
    monitorCommands: true,
    serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
    bufferCommands: false,
    sanitizeFilter: true,
  });
  await connection.asPromise();
  return connection;
}

export type SortOrder = 'newest-first' | 'oldest-first';

/** Marks a query operator object built by our own code (never from input) as safe from `sanitizeFilter`. */
export function operator<T extends Record<string, unknown>>(query: T): T {
  return mongoose.trusted(query) as T;
}

/** Resolves when the database answers a ping, or rejects within `timeoutMs` (a probe must not hang). */
export async function pingDatabase(connection: Connection, timeoutMs: number): Promise<void> {
  const db = connection.db;
  if (!db || connection.readyState !== 1) throw new Error('database not connected');
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      db.admin().ping(),
      new Promise((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error('database did not answer a ping')), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The sort that matches a `(createdAt, id)` cursor. `idField` names the field that holds the item's id:
 * `_id` for a collection of the items themselves, another for a collection that lists them (a timeline).
 */
export function pageSort(order: SortOrder, idField = '_id'): Record<string, 1 | -1> {
  const direction = order === 'newest-first' ? -1 : 1;
  return { createdAt: direction, [idField]: direction };
}

/** The filter for the items after `cursor` in `order`, to be combined with the list's own filter. */
export function afterCursorFilter(cursor: CursorPosition | null, order: SortOrder, idField = '_id'): Record<string, unknown> {
  if (!cursor) return {};
  const beyond = order === 'newest-first' ? '$lt' : '$gt';
  const id = new mongoose.Types.ObjectId(cursor.id);
  return {
    $or: [
      { createdAt: operator({ [beyond]: cursor.createdAt }) },
      { createdAt: cursor.createdAt, [idField]: operator({ [beyond]: id }) },
    ],
  };
}

export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

export function duplicateKeyFields(error: unknown): string[] {
  const pattern = (error as { keyPattern?: Record<string, unknown> }).keyPattern;
  return pattern ? Object.keys(pattern) : [];
}

/** Ids travel as validated hex strings (see ids.ts) and are stored as ObjectIds. */
export function toObjectId(id: string): mongoose.Types.ObjectId {
  return new mongoose.Types.ObjectId(id);
}
