import { badUserInput } from './errors';
import { isObjectId } from './ids';
import { PAGE_SIZE } from './limits';

/**
 * Relay-style pagination over `(createdAt, _id)`: the cursor names the last
 * item seen, so a page stays stable while new items arrive before it.
 */
export interface CursorPosition {
  createdAt: Date;
  id: string;
}

export interface PageRequest {
  first: number;
  after: CursorPosition | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const MAX_DATE_MILLIS = 8.64e15;

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt.getTime(), position.id])).toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  const invalid = () => badUserInput('after is not a valid cursor', 'after');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw invalid();
  const [millis, id] = parsed as unknown[];
  // A JavaScript Date holds at most 8.64e15 ms; past that it is Invalid Date, which no query can use.
  if (typeof millis !== 'number' || !Number.isSafeInteger(millis) || millis < 0 || millis > MAX_DATE_MILLIS || !isObjectId(id)) {
    throw invalid();
  }
  return { createdAt: new Date(millis), id: id.toLowerCase() };
}

/** Validates `first` and `after` as clients send them. */
export function parsePageArgs(first: number | null | undefined, after: string | null | undefined): PageRequest {
  const size = first ?? PAGE_SIZE.default;
  if (!Number.isInteger(size) || size < PAGE_SIZE.min || size > PAGE_SIZE.max) {
    throw badUserInput(`first must be between ${PAGE_SIZE.min} and ${PAGE_SIZE.max}`, 'first');
  }
  return { first: size, after: after ? decodeCursor(after) : null };
}

/**
 * Shapes `first + 1` items fetched in order into a connection: the extra item
 * only tells whether another page exists. The cursor is the item's position;
 * the node is the item itself, or what `toNode` makes of it (a follow edge
 * becomes the user it points at).
 */
export function toConnection<T extends CursorPosition, N = T>(
  items: T[],
  first: number,
  toNode: (item: T) => N = (item) => item as unknown as N,
): Connection<N> {
  const edges = items.slice(0, first).map((item) => ({ cursor: encodeCursor(item), node: toNode(item) }));
  return {
    edges,
    pageInfo: { hasNextPage: items.length > first, endCursor: edges.at(-1)?.cursor ?? null },
  };
}
