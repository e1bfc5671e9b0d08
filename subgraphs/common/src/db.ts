import mongoose, { type Connection } from 'mongoose';
import type { CursorPosition } from './pagination';

/**
 * Each subgraph opens its own connection (not mongoose's global one), to its
 * own database, so that several can live in one process, as the tests run them.
 * Command monitoring is on so that metrics and tests can observe MongoDB traffic.
 */
export async function connectDatabase(uri: string, dbName: string): Promise<Connection> {
  const connection = mongoose.createConnection(uri, {
    dbName,
    monitorCommands: true,
    serverSelectionTimeoutMS: 5000,
  });
  await connection.asPromise();
  return connection;
}

export type SortOrder = 'newest-first' | 'oldest-first';

/** The sort that matches a `(createdAt, _id)` cursor. */
export function pageSort(order: SortOrder): { createdAt: 1 | -1; _id: 1 | -1 } {
  const direction = order === 'newest-first' ? -1 : 1;
  return { createdAt: direction, _id: direction };
}

/** The filter for the items after `cursor` in `order`, to be combined with the list's own filter. */
export function afterCursorFilter(cursor: CursorPosition | null, order: SortOrder): Record<string, unknown> {
  if (!cursor) return {};
  const beyond = order === 'newest-first' ? '$lt' : '$gt';
  const id = new mongoose.Types.ObjectId(cursor.id);
  return {
    $or: [{ createdAt: { [beyond]: cursor.createdAt } }, { createdAt: cursor.createdAt, _id: { [beyond]: id } }],
  };
}

/** Lean documents carry `_id`; the API speaks of `id` as a hex string. */
export function withId<T extends { _id: unknown }>(doc: T): Omit<T, '_id' | '__v'> & { id: string } {
  const { _id, __v: _version, ...rest } = doc as T & { __v?: unknown };
  return { ...rest, id: String(_id) };
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
