import { BSON, Binary, Decimal128, Long, ObjectId, Timestamp } from 'mongodb';

export type Document = BSON.Document;
const { EJSON } = BSON;

/** A deep copy that keeps the BSON classes (ObjectId, Binary, ...), unlike structuredClone. */
export function cloneDoc<T extends Document>(doc: T): T {
  return BSON.deserialize(BSON.serialize(doc)) as T;
}

export function isPlainObject(v: unknown): v is Document {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** mongod keeps `_id` first in every document it returns; mingo's projection puts it last. */
export function idFirst(doc: Document): Document {
  if (!('_id' in doc) || Object.keys(doc)[0] === '_id') return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

/**
 * A string equal for two values exactly when mongod's index would treat them as the same key:
 * numbers of any BSON numeric type compare by value, missing equals null.
 */
export function keyOf(v: unknown): string {
  if (v === undefined || v === null) return 'n';
  switch (typeof v) {
    case 'number':
      return `d${v === 0 ? 0 : v}`;
    case 'string':
      return `s${v}`;
    case 'boolean':
      return v ? 'T' : 'F';
    case 'bigint':
      return `d${v}`;
    default:
  }
  if (v instanceof Date) return `t${v.getTime()}`;
  if (v instanceof ObjectId) return `o${v.toHexString()}`;
  if (v instanceof Long) return `d${v.toString()}`;
  if (v instanceof Decimal128) return `d${Number(v.toString())}`;
  if (Array.isArray(v)) return `a[${v.map(keyOf).join(',')}]`;
  if (isPlainObject(v)) return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${keyOf(x)}`).join(',')}}`;
  return `x${EJSON.stringify(v as Document, { relaxed: false })}`;
}

/** Renders a value as mongod does in a duplicate-key errmsg: `"text"`, `ObjectId('…')`, `123`. */
export function shellValue(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof ObjectId) return `ObjectId('${v.toHexString()}')`;
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (Array.isArray(v)) return `[ ${v.map(shellValue).join(', ')} ]`;
  if (isPlainObject(v)) {
    const parts = Object.entries(v).map(([k, x]) => `${k}: ${shellValue(x)}`);
    return parts.length ? `{ ${parts.join(', ')} }` : '{}';
  }
  return String(v);
}

const BSON_TYPE_NAMES: Record<string, string> = { Binary: 'binData', Code: 'javascript', BSONRegExp: 'regex', BSONSymbol: 'symbol' };
const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

/**
 * mongod's name for the BSON type of a value, as its error messages give it. A number arrives here
 * without its BSON type; the driver sends an integer that fits 32 bits as an int, any other as a double.
 */
export function bsonTypeName(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX ? 'int' : 'double';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  if (v instanceof ObjectId) return 'objectId';
  if (v instanceof RegExp) return 'regex';
  if (isPlainObject(v)) return 'object';
  const bsontype = (v as { _bsontype?: string } | undefined)?._bsontype;
  if (!bsontype) return typeof v;
  return BSON_TYPE_NAMES[bsontype] ?? bsontype.charAt(0).toLowerCase() + bsontype.slice(1);
}

/** Values at a dotted path, descending into arrays as a mongod index does (multikey). */
export function valuesAt(doc: unknown, path: string[]): unknown[] {
  if (path.length === 0) return [doc];
  if (Array.isArray(doc)) {
    const [head] = path;
    if (head !== undefined && /^\d+$/.test(head)) return valuesAt(doc[Number(head)], path.slice(1));
    return doc.flatMap((el) => (isPlainObject(el) ? valuesAt(el, path) : []));
  }
  if (!isPlainObject(doc)) return [];
  const [head, ...rest] = path;
  const v = doc[head as string];
  if (v === undefined) return [];
  if (rest.length === 0) return Array.isArray(v) ? (v.length ? v : [undefined]) : [v];
  return valuesAt(v, rest);
}

export { BSON, Binary, Decimal128, Long, ObjectId, Timestamp };
