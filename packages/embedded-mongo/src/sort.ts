import { BSON } from 'mongodb';
import { type Binary, type Document, type ObjectId, isPlainObject, valuesAt } from './bson';
import { badValue } from './errors';

const BSON_RANKS: Record<string, number> = {
  MinKey: 0,
  Long: 2,
  Decimal128: 2,
  Double: 2,
  Int32: 2,
  BSONSymbol: 3,
  Binary: 6,
  ObjectId: 7,
  Timestamp: 10,
  BSONRegExp: 11,
  MaxKey: 12,
};

/** mongod's cross-type order: MinKey, null, numbers, strings, objects, arrays, binData, ObjectId, bool, date, timestamp, regex, MaxKey. */
function rank(v: unknown): number {
  if (v === undefined || v === null) return 1;
  switch (typeof v) {
    case 'number':
    case 'bigint':
      return 2;
    case 'string':
      return 3;
    case 'boolean':
      return 8;
    default:
  }
  if (v instanceof Date) return 9;
  if (Array.isArray(v)) return 5;
  if (v instanceof RegExp) return 11;
  const bsonType = (v as { _bsontype?: unknown })._bsontype;
  return (typeof bsonType === 'string' ? BSON_RANKS[bsonType] : undefined) ?? 4;
}

const cmp = (a: number | string | bigint, b: number | string | bigint) => (a < b ? -1 : a > b ? 1 : 0);

/** Compares two BSON values as mongod does with the simple collation. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 2:
      return cmp(Number(a), Number(b));
    case 3:
      return cmp(String(a), String(b));
    case 4: {
      const ea = Object.entries(a as Document);
      const eb = Object.entries(b as Document);
      for (let i = 0; i < Math.min(ea.length, eb.length); i++) {
        const [ka, va] = ea[i] as [string, unknown];
        const [kb, vb] = eb[i] as [string, unknown];
        const c = rank(va) - rank(vb) || cmp(ka, kb) || compareValues(va, vb);
        if (c) return c;
      }
      return ea.length - eb.length;
    }
    case 5: {
      const xa = a as unknown[];
      const xb = b as unknown[];
      for (let i = 0; i < Math.min(xa.length, xb.length); i++) {
        const c = compareValues(xa[i], xb[i]);
        if (c) return c;
      }
      return xa.length - xb.length;
    }
    case 6: {
      const ba = a as Binary;
      const bb = b as Binary;
      return ba.position - bb.position || ba.sub_type - bb.sub_type || Buffer.compare(ba.buffer, bb.buffer);
    }
    case 7:
      return Buffer.compare((a as ObjectId).id, (b as ObjectId).id);
    case 8:
      return Number(a) - Number(b);
    case 9:
      return cmp((a as Date).getTime(), (b as Date).getTime());
    case 10:
      return (a as BSON.Timestamp).compare(b as BSON.Timestamp);
    case 11: {
      const sa = a instanceof RegExp ? [a.source, a.flags] : [(a as BSON.BSONRegExp).pattern, (a as BSON.BSONRegExp).options];
      const sb = b instanceof RegExp ? [b.source, b.flags] : [(b as BSON.BSONRegExp).pattern, (b as BSON.BSONRegExp).options];
      return cmp(String(sa[0]), String(sb[0])) || cmp(String(sa[1]), String(sb[1]));
    }
    default:
      return 0;
  }
}

/** The value a document sorts by: for arrays, the smallest element ascending and the largest descending. */
function sortKey(doc: Document, path: string[], dir: number): unknown {
  if (path.length === 1) {
    const v = doc[path[0] as string];
    if (!Array.isArray(v)) return v ?? null;
  }
  const values = valuesAt(doc, path);
  if (values.length <= 1) return values[0] ?? null;
  return values.reduce((best, v) => (compareValues(v, best) * dir < 0 ? v : best));
}

export type SortSpec = [string[], number][];

/** A validated sort specification, `$natural` dropped; undefined when there is nothing to sort by. */
export function sortSpec(sort: unknown): SortSpec | undefined {
  if (!isPlainObject(sort)) return undefined;
  const fields: SortSpec = [];
  for (const [name, dir] of Object.entries(sort)) {
    if (name === '$natural') continue;
    if (dir !== 1 && dir !== -1) throw badValue('$sort key ordering must be 1 (for ascending) or -1 (for descending)');
    fields.push([name.split('.'), dir]);
  }
  return fields.length ? fields : undefined;
}

/** The values `doc` sorts by under `spec`. */
export function sortKeys(doc: Document, spec: SortSpec): unknown[] {
  return spec.map(([path, dir]) => sortKey(doc, path, dir));
}

/** The order of two documents' sort keys under `spec`; 0 when they tie on every key. */
export function compareKeys(a: unknown[], b: unknown[], spec: SortSpec): number {
  for (let k = 0; k < spec.length; k++) {
    const c = compareValues(a[k], b[k]) * (spec[k] as [string[], number])[1];
    if (c) return c;
  }
  return 0;
}

/**
 * A stable sort (documents equal on every key keep their natural order). With a small
 * `keep`, only the first `keep` documents are selected, which spares sorting the rest.
 */
export function sortDocs(docs: Document[], spec: SortSpec, keep = Infinity): Document[] {
  type Keyed = { doc: Document; i: number; keys: unknown[] };
  const order = (x: Keyed, y: Keyed): number => compareKeys(x.keys, y.keys, spec) || x.i - y.i;
  const keyOf = (doc: Document, i: number): Keyed => ({ doc, i, keys: sortKeys(doc, spec) });
  if (keep * 8 >= docs.length) return docs.map(keyOf).sort(order).map((k) => k.doc);
  const top: Keyed[] = [];
  docs.forEach((doc, i) => {
    const item = keyOf(doc, i);
    if (top.length === keep && order(item, top[keep - 1] as Keyed) >= 0) return;
    top.splice(insertionPoint(top, item, order), 0, item);
    if (top.length > keep) top.pop();
  });
  return top.map((k) => k.doc);
}

/** Where `item` goes in the sorted `items`: after every element that does not sort after it. */
export function insertionPoint<T>(items: T[], item: T, order: (a: T, b: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (order(items[mid] as T, item) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The items of sorted runs in one sorted order, lazily: a k-way merge over a binary heap of
 * the runs' next items, so the first n items cost about n·log(k) comparisons however long the runs are.
 */
export function* mergeSorted<T>(runs: T[][], order: (a: T, b: T) => number): Generator<T> {
  const heads = runs.filter((run) => run.length > 0).map((run) => ({ run, at: 0 }));
  type Head = (typeof heads)[number];
  const before = (i: number, j: number): boolean => {
    const a = heads[i] as Head;
    const b = heads[j] as Head;
    return order(a.run[a.at] as T, b.run[b.at] as T) < 0;
  };
  const siftDown = (i: number): void => {
    for (;;) {
      let least = i;
      for (const child of [2 * i + 1, 2 * i + 2]) if (child < heads.length && before(child, least)) least = child;
      if (least === i) return;
      [heads[i], heads[least]] = [heads[least] as Head, heads[i] as Head];
      i = least;
    }
  };
  for (let i = (heads.length >> 1) - 1; i >= 0; i--) siftDown(i);
  while (heads.length > 0) {
    const top = heads[0] as Head;
    yield top.run[top.at++] as T;
    if (top.at === top.run.length) {
      const last = heads.pop() as Head;
      if (heads.length === 0) return;
      heads[0] = last;
    }
    siftDown(0);
  }
}
