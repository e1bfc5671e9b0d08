import { Query } from 'mingo';
import { Aggregator as BaseAggregator } from 'mingo/aggregator';
import { Context } from 'mingo/core';
import type { Iterator } from 'mingo/lazy';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as windowOperators from 'mingo/operators/window';
import type { Options } from 'mingo/types';
import { update as mingoUpdate } from 'mingo/updater';
import { Decimal128, type Document, Long, ObjectId, bsonTypeName, cloneDoc, idFirst, isPlainObject, keyOf, shellValue } from './bson';
import type { Collection } from './collection';
import { sortDocs, sortSpec } from './sort';
import { CommandError, badValue, failedToParse, immutableField, notSupported, typeMismatch } from './errors';

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

/** Top-level fields a projection computes rather than keeps: mongod outputs them after the kept ones. */
function computedFields(projection: Document): Set<string> {
  const computed = new Set<string>();
  for (const [path, value] of Object.entries(projection)) {
    const kept = typeof value === 'number' || typeof value === 'boolean' || (isPlainObject(value) && '$slice' in value);
    if (!kept) computed.add(path.split('.')[0] as string);
  }
  return computed;
}

function nestedInStoredOrder(out: unknown, stored: unknown): unknown {
  if (isPlainObject(out) && isPlainObject(stored)) return reorder(out, stored, new Set());
  // A $slice keeps elements as stored but not their positions: only a whole array pairs up element by element.
  if (Array.isArray(out) && Array.isArray(stored) && out.length === stored.length) return out.map((v, i) => nestedInStoredOrder(v, stored[i]));
  return out;
}

function reorder(out: Document, stored: Document, computed: Set<string>): Document {
  const result: Document = {};
  for (const key of Object.keys(stored)) {
    if (Object.hasOwn(out, key) && !computed.has(key)) result[key] = nestedInStoredOrder(out[key], stored[key]);
  }
  for (const key of Object.keys(out)) if (!Object.hasOwn(result, key)) result[key] = out[key];
  return result;
}

/**
 * A projected document with its fields in mongod's order: the fields kept from the stored
 * document in the stored order (so `_id` first), then computed ones in the projection's order.
 * mingo orders them by the projection instead.
 */
function inStoredOrder(out: Document, stored: Document, projection: Document): Document {
  return reorder(out, stored, computedFields(projection));
}

/** mingo's $project, with each output in mongod's field order (see inStoredOrder). */
function $projectInStoredOrder(coll: Iterator, expr: Document, options: Options): Iterator {
  const inputs: Document[] = [];
  // $project maps one input to one output, lazily and in order, so each output's input is the one just read.
  const tapped = coll.map((doc) => {
    inputs.push(doc as Document);
    return doc;
  });
  return pipelineOperators.$project(tapped, expr, options).map((out) => inStoredOrder(out as Document, inputs.shift() as Document, expr));
}

const CONTEXT = Context.init({
  accumulator: accumulatorOperators,
  expression: expressionOperators,
  pipeline: { ...pipelineOperators, $project: $projectInStoredOrder },
  projection: projectionOperators,
  query: queryOperators,
  window: windowOperators,
});

/** A mingo aggregation pipeline whose stages answer as mongod's do (see inStoredOrder). */
export function aggregator(pipeline: Document[], options: Partial<Options> = {}): BaseAggregator {
  return new BaseAggregator(pipeline, { ...options, context: CONTEXT });
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
  return projectAll(docs.slice(skip, skip + limit), opts.projection);
}

function projectAll(docs: Document[], projection: unknown): Document[] {
  if (!isPlainObject(projection) || Object.keys(projection).length === 0) return docs;
  try {
    const out = new Query({}, {}).find(docs, projection).all() as Document[];
    return out.map((doc, i) => inStoredOrder(doc, docs[i] as Document, projection));
  } catch (err) {
    throw badValue((err as Error).message);
  }
}

export function project(doc: Document, projection: unknown): Document {
  return projectAll([doc], projection)[0] as Document;
}

export function isOperatorUpdate(u: Document): boolean {
  const keys = Object.keys(u);
  return keys.length > 0 && (keys[0] as string).startsWith('$');
}

function isNumeric(v: unknown): boolean {
  return typeof v === 'number' || typeof v === 'bigint' || v instanceof Long || v instanceof Decimal128;
}

const ARITHMETIC: Record<string, string> = { $inc: 'increment', $mul: 'multiply' };
const TARGET = Symbol('arithmetic target');

/** The concrete paths (positional operators resolved) at which a `$set` marker landed. */
function markedPaths(value: unknown, path: string[] = [], out: string[][] = []): string[][] {
  if (value === TARGET) out.push(path);
  else if (Array.isArray(value)) value.forEach((v, i) => markedPaths(v, [...path, String(i)], out));
  else if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) markedPaths(v, [...path, k], out);
  return out;
}

/**
 * The fields an update path reaches in `doc`. A positional path (`$`, `$[]`, `$[id]`) is resolved by
 * having mingo `$set` a marker on the same path of a copy, which picks the elements exactly as the
 * real update will.
 */
function targets(doc: Document, paths: string[], opts: { arrayFilters?: unknown; filter?: Document; inserting?: boolean }): string[][] {
  if (!paths.some((p) => p.includes('$'))) return paths.map((p) => p.split('.'));
  const probe = cloneDoc(doc);
  const marks = Object.fromEntries(paths.map((path) => [path, TARGET]));
  try {
    mingoUpdate(probe, { $set: marks }, opts.arrayFilters as Document[] | undefined, opts.inserting ? undefined : opts.filter, { cloneMode: 'none' });
  } catch (err) {
    throw badValue((err as Error).message);
  }
  return markedPaths(probe);
}

/**
 * mongod refuses `$inc`/`$mul` with a non-numeric argument, or on a field holding a non-number
 * (null included), with TypeMismatch and changes nothing; mingo skips such a field and reports success.
 */
function checkArithmetic(doc: Document, op: string, fields: Document, opts: { arrayFilters?: unknown; filter?: Document; inserting?: boolean }): void {
  const verb = ARITHMETIC[op] as string;
  for (const [path, arg] of Object.entries(fields)) {
    if (!isNumeric(arg)) throw typeMismatch(`Cannot ${verb} with non-numeric argument: {${path}: ${shellValue(arg)}}`);
  }
  for (const path of targets(doc, Object.keys(fields), opts)) {
    const current = path.reduce<unknown>((v, k) => (isPlainObject(v) || Array.isArray(v) ? (v as Document)[k] : undefined), doc);
    if (current === undefined || isNumeric(current)) continue;
    const id = doc._id === undefined ? 'no id' : `_id: ${shellValue(doc._id)}`;
    throw typeMismatch(
      `Cannot apply ${op} to a value of non-numeric type. {${id}} has the field '${path[path.length - 1]}' of non-numeric type ${bsonTypeName(current)}`,
    );
  }
}

/**
 * The document an update makes of `doc`, built on a clone so the stored one is untouched.
 * `filter` resolves the positional `$`; `inserting` applies `$setOnInsert`.
 */
export function applyUpdate(doc: Document, u: unknown, opts: { arrayFilters?: unknown; filter?: Document; inserting?: boolean }): Document {
  if (Array.isArray(u)) {
    try {
      const [out] = aggregator(u as Document[]).run([cloneDoc(doc)]) as Document[];
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
    if (op in ARITHMETIC) checkArithmetic(doc, op, fields, opts);
    modifier[op] = op === '$set' ? { ...(modifier.$set as Document | undefined), ...fields } : fields;
  }
  // Values taken from the command need no copy: stored documents are never mutated in place.
  const next = cloneDoc(doc);
  if (Object.keys(modifier).length === 0) return next;
  try {
    // The filter only serves the positional `$` (it says which array element matched); without one, mingo
    // would still evaluate it for every document, which for a large `$in` costs more than the update.
    const positional = !opts.inserting && Object.values(modifier).some((fields) => Object.keys(fields as Document).some((path) => POSITIONAL.test(path)));
    mingoUpdate(next, modifier, opts.arrayFilters as Document[] | undefined, positional ? opts.filter : undefined, { cloneMode: 'none' });
  } catch (err) {
    throw badValue((err as Error).message);
  }
  return idFirst(next);
}

/** A path with the positional `$` as one of its parts (`items.$.qty`), not `$[]` or `$[name]`. */
const POSITIONAL = /(^|\.)\$(\.|$)/;

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
