import { describe, expect, test } from '@jest/globals';
import { decodeCursor, encodeCursor, parsePageArgs, toConnection } from '../src/pagination';

const ID = '0123456789abcdef01234567';
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('cursors', () => {
  test('when a position is encoded, then decoding gives it back', () => {
    const position = { createdAt: new Date('2026-01-31T12:00:00.123Z'), id: ID };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  test.each([
    ['not base64 JSON', '%%%'],
    ['a JSON object', encode({ createdAt: 1, id: ID })],
    ['a negative time', encode([-1, ID])],
    ['a time past the Date range', encode([8.64e15 + 1, ID])],
    ['a fractional time', encode([1.5, ID])],
    ['a malformed id', encode([1, 'nope'])],
  ])('when the cursor is %s, then it is BAD_USER_INPUT on after', (_label, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } }));
  });
});

describe('page arguments and connections', () => {
  test.each([0, 101, -1, 2.5])('when first is %s, then it is BAD_USER_INPUT', (first) => {
    expect(() => parsePageArgs(first, null)).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'first' } }));
  });

  test('when one more item than asked was fetched, then the page has the asked number and says there is a next one', () => {
    const items = [3, 2, 1].map((n) => ({ id: `${ID.slice(0, 23)}${n}`, createdAt: new Date(n * 1000) }));
    const page = toConnection(items, 2);
    expect(page.edges.map((edge) => edge.node)).toEqual(items.slice(0, 2));
    expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: page.edges[1]!.cursor });
    expect(toConnection([], 2).pageInfo).toEqual({ hasNextPage: false, endCursor: null });
  });
});
