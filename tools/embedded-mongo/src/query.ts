import { Aggregator, Query } from 'mingo';
import { update as mingoUpdate } from 'mingo/updater';
import { type Document, ObjectId, cloneDoc, idFirst, isPlainObject, keyOf } from './bson';
import type { Collection } from './collection';
import { sortDocs, sortSpec } from './sort';
import { CommandError, badValue, failedToParse, immutableField, notSupported } from './errors';

const UNSUPPORTED_QUERY_OPERATORS: Record<string, string> = {
  $text: 'The $text query operator',
  $near: 'The $near query operator',
  $nearSphere: 'The $nearSphere query operator',
  $geoWithin: 'The $geoWithin query operator',
  $geoIntersects: 'The $geoIntersects query operator',
  $within: 'The $within query operator',
};

const UPDATE_OPERATORS = new Set([
  '$set', '$unset', '$inc', '$mul', '$rename', '$min', '$max', '$currentDate',
  '$addToSet', '$pop', '$pull', '$push', '$pullAll', '$bit', '$setOnInsert',
]);

function rejectUnsupported(value: unknown): void {
  if (Array.isArray(value)) return value.forEach(rejectUnsupported);
  if (!isPlainObject(value)) return;
  for (const [k, v] of Object.entries(value)) {
    const what = UNSUPPORTED_QUERY_OPERATORS[k];
    if (what) throw notSupported(what);
    rejectUnsupported(v);
  }
}

export function rejectCollation(collation: unknown): void {
  if (collation === undefined || (isPlainObject(collation) && collation.locale === 'simple')) return;
  throw notSupported('Collation');
}

/** A compiled filter; a filter mingo cannot compile is answered with BadValue, as mongod does. */
export function compileFilter(filter: unknown): Query {
  if (filter === undefined || filter === null) return new Query({}, {});
  if (!isPlainObject(filter)) throw badValue('filter must be an object');
  rejectUnsupported(filter);
  try {
    return new Query(filter, {});
  } catch (err) {
    throw badValue((err as Error).message);
  }
}

export interface FindOptions {
  sort?: unknown;
  projection?: unknown;
  skip?: unknown;
  limit?: unknown;
}

/** Documents of `coll` matching `filter`, in natural order; at most `limit` of them when given. */
export function matching(coll: Collection | undefined, filter: unknown, limit = Infinity): Document[] {
  const full = compileFilter(filter);
  return coll ? firstMatches(coll.candidates((filter ?? {}) as Document), filter, full, limit) : [];
}

/** The first `limit` candidates that pass the residual filter, the part of `filter` the index has not proved. */
function firstMatches(
  { docs, residual }: { docs: Iterable<Document>; residual: Document },
  filter: unknown,
  full: Query,
  limit: number,
): Document[] {
  const query = Object.keys(residual).length === 0 ? undefined : residual === filter ? full : compileFilter(residual);
  const out: Document[] = [];
  try {
    for (const doc of docs) {
      if (out.length >= limit) break;
      if (!query || query.test(doc)) out.push(doc);
    }
  } catch (err) {
    throw badValue((err as Error).message);
  }
  return out;
}

/**
 * Matching documents, sorted, skipped, limited and projected; `_id` stays the first field.
 * A limited sort that an index yields in order reads only the first skip+limit matches.
 */
export function findDocs(coll: Collection | undefined, filter: unknown, opts: FindOptions = {}): Document[] {
  const sort = sortSpec(opts.sort);
  const skip = typeof opts.skip === 'number' && opts.skip > 0 ? opts.skip : 0;
  const limit = typeof opts.limit === 'number' && opts.limit !== 0 ? Math.abs(opts.limit) : Infinity;
  const full = compileFilter(filter);
  const query = (filter ?? {}) as Document;
  const inOrder = sort && limit < Infinity ? coll?.inSortOrder(query, sort) : undefined;
  let docs: Document[] = [];
  if (inOrder) docs = firstMatches(inOrder, filter, full, skip + limit);
  else if (coll) {
    docs = firstMatches(coll.candidates(query), filter, full, sort ? Infinity : skip + limit);
    if (sort) docs = sortDocs(docs, sort, skip + limit);
  }
  docs = docs.slice(skip, skip + limit);
  if (!isPlainObject(opts.projection) || Object.keys(opts.projection).length === 0) return docs;
  try {
    return (new Query({}, {}).find(docs, opts.projection).all() as Document[]).map(idFirst);
  } catch (err) {
    throw badValue((err as Error).message);
  }
}

export function project(doc: Document, projection: unknown): Document {
  if (!isPlainObject(projection) || Object.keys(projection).length === 0) return doc;
  return idFirst(new Query({}, {}).find([doc], projection).all()[0] as Document);
}

export function isOperatorUpdate(u: Document): boolean {
  const keys = Object.keys(u);
  return keys.length > 0 && (keys[0] as string).startsWith('$');
}

/**
 * The document an update makes of `doc`, built on a clone so the stored one is untouched.
 * `filter` resolves the positional `$`; `inserting` applies `$setOnInsert`.
 */
export function applyUpdate(doc: Document, u: unknown, opts: { arrayFilters?: unknown; filter?: Document; inserting?: boolean }): Document {
  if (Array.isArray(u)) {
    try {
      const [out] = new Aggregator(u as Document[], {}).run([cloneDoc(doc)]);
      if (!out) throw badValue('pipeline update produced no document');
      return idFirst(out);
    } catch (err) {
      if (err instanceof CommandError) throw err;
      throw badValue((err as Error).message);
    }
  }
  if (!isPlainObject(u)) throw failedToParse('Update argument must be either an object or an array');
  if (!isOperatorUpdate(u)) {
    for (const k of Object.keys(u)) {
      if (k.startsWith('$')) throw failedToParse(`The dollar ($) prefixed field '${k}' in '${k}' is not allowed in the context of an update's replacement document.`);
    }
    if (u._id !== undefined && doc._id !== undefined && keyOf(u._id) !== keyOf(doc._id)) {
      throw immutableField(`After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${String(u._id)}`);
    }
    const { _id: _ignored, ...rest } = cloneDoc(u);
    return doc._id === undefined ? rest : { _id: doc._id, ...rest };
  }
  const modifier: Document = {};
  for (const [op, fields] of Object.entries(u)) {
    if (!UPDATE_OPERATORS.has(op)) {
      throw failedToParse(`Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`);
    }
    if (!isPlainObject(fields)) throw failedToParse(`Modifiers operate on fields but we found type ${typeof fields} instead.`);
    if (op === '$setOnInsert') {
      if (opts.inserting) modifier.$set = { ...(modifier.$set as Document | undefined), ...fields };
      continue;
    }
    if (doc._id !== undefined && Object.keys(fields).some((f) => f === '_id' || f.startsWith('_id.'))) {
      const touched = op === '$set' ? keyOf(fields._id) !== keyOf(doc._id) : true;
      if (touched) throw immutableField("Performing an update on the path '_id' would modify the immutable field '_id'");
    }
    modifier[op] = op === '$set' ? { ...(modifier.$set as Document | undefined), ...fields } : fields;
  }
  // Values taken from the command need no copy: stored documents are never mutated in place.
  const next = cloneDoc(doc);
  if (Object.keys(modifier).length === 0) return next;
  try {
    mingoUpdate(next, modifier, opts.arrayFilters as Document[] | undefined, opts.inserting ? undefined : opts.filter, { cloneMode: 'none' });
  } catch (err) {
    throw badValue((err as Error).message);
  }
  return idFirst(next);
}

function setPath(doc: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let target = doc;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(target[part])) target[part] = {};
    target = target[part] as Document;
  }
  target[parts[parts.length - 1] as string] = value;
}

/** The fields an upsert takes from its filter: equality conditions, including those under `$and`. */
function seedFromFilter(filter: Document, into: Document = {}): Document {
  for (const [k, v] of Object.entries(filter)) {
    if (k === '$and' && Array.isArray(v)) v.filter(isPlainObject).forEach((c) => seedFromFilter(c, into));
    if (k.startsWith('$')) continue;
    if (isPlainObject(v) && Object.keys(v).some((op) => op.startsWith('$'))) {
      if ('$eq' in v) setPath(into, k, v.$eq);
      continue;
    }
    setPath(into, k, v);
  }
  return into;
}

/** The document an upsert inserts: `_id` first, generated when neither filter nor update gives one. */
export function upsertDocument(filter: Document, u: unknown, arrayFilters: unknown): Document {
  const seed = cloneDoc(seedFromFilter(filter));
  let doc: Document;
  if (Array.isArray(u) || (isPlainObject(u) && isOperatorUpdate(u))) {
    doc = applyUpdate(seed, u, { arrayFilters, inserting: true });
  } else {
    const replacement = applyUpdate({}, u, {});
    const id = seed._id ?? (u as Document)._id;
    doc = id !== undefined ? { _id: id, ...replacement } : replacement;
  }
  return doc._id === undefined ? { _id: new ObjectId(), ...doc } : idFirst(doc);
}
