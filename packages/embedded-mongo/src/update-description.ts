import { BSON, type Document, isPlainObject } from './bson';
import type { UpdateDescription } from './oplog';
import { isOperatorUpdate } from './query';

/** How a change stream reports an update: as a replacement, or by the fields it changed. */
export type UpdateChange = { kind: 'replace' } | { kind: 'update'; description: UpdateDescription };

function same(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Buffer.compare(BSON.serialize({ v: a }), BSON.serialize({ v: b })) === 0;
}

function child(value: unknown, key: string): unknown {
  if (isPlainObject(value)) return Object.hasOwn(value, key) ? value[key] : undefined;
  if (Array.isArray(value) && /^\d+$/.test(key)) return value[Number(key)];
  return undefined;
}

function at(value: unknown, path: string[]): unknown {
  return path.reduce<unknown>((v, key) => child(v, key), value);
}

const isPositional = (part: string) => part === '$' || (part.startsWith('$[') && part.endsWith(']'));

/**
 * The array positions an update path with `$`, `$[]` or `$[id]` reached: those whose element
 * changed. Comparing before and after finds them without resolving the filter or arrayFilters again.
 */
function concretePaths(before: Document, after: Document, parts: string[], prefix: string[] = []): string[][] {
  const i = parts.findIndex(isPositional);
  if (i < 0) return [[...prefix, ...parts]];
  const arrayPath = [...prefix, ...parts.slice(0, i)];
  const was = at(before, arrayPath);
  const now = at(after, arrayPath);
  if (!Array.isArray(now)) return [];
  const out: string[][] = [];
  for (let k = 0; k < now.length; k++) {
    if (!same(child(was, String(k)), now[k])) out.push(...concretePaths(before, after, parts.slice(i + 1), [...arrayPath, String(k)]));
  }
  return out;
}

/**
 * Records what an operator did at `path`, as mongod logs it: a field created under a missing parent
 * is reported at the first missing component, with its whole new value; a removed field by its path;
 * an array that only grew at its end (`$push` without `$position`/`$slice`/`$sort`, `$addToSet`)
 * by each appended element; anything else by its new value.
 */
function record(before: Document, after: Document, path: string[], appendOnly: boolean, out: UpdateDescription): void {
  let was: unknown = before;
  let now: unknown = after;
  for (let k = 0; k < path.length; k++) {
    const key = path[k] as string;
    const wasNext = child(was, key);
    const nowNext = child(now, key);
    if (wasNext === undefined) {
      if (nowNext !== undefined) out.updatedFields[path.slice(0, k + 1).join('.')] = nowNext;
      return;
    }
    if (nowNext === undefined) {
      out.removedFields.push(path.slice(0, k + 1).join('.'));
      return;
    }
    was = wasNext;
    now = nowNext;
  }
  if (same(was, now)) return;
  if (appendOnly && Array.isArray(was) && Array.isArray(now) && now.length > was.length && was.every((v, i) => same(v, now[i]))) {
    for (let i = was.length; i < now.length; i++) out.updatedFields[`${path.join('.')}.${i}`] = now[i];
    return;
  }
  out.updatedFields[path.join('.')] = now;
}

function appendsOnly(op: string, arg: unknown, before: unknown): boolean {
  if (op === '$addToSet') return true;
  if (op !== '$push') return false;
  // mongod logs a push onto an empty array as the whole array.
  if (Array.isArray(before) && before.length === 0) return false;
  return !isPlainObject(arg) || !('$position' in arg || '$slice' in arg || '$sort' in arg);
}

/** The update description of an operator update (`{ $set: …, $inc: … }`) that turned `before` into `after`. */
function describeOperators(before: Document, after: Document, u: Document): UpdateDescription {
  const out: UpdateDescription = { updatedFields: {}, removedFields: [], truncatedArrays: [] };
  for (const [op, fields] of Object.entries(u)) {
    if (op === '$setOnInsert' || !isPlainObject(fields)) continue;
    for (const [field, arg] of Object.entries(fields)) {
      const targets = op === '$rename' && typeof arg === 'string' ? [field, arg] : [field];
      for (const target of targets) {
        for (const path of concretePaths(before, after, target.split('.'))) {
          record(before, after, path, appendsOnly(op, arg, at(before, path)), out);
        }
      }
    }
  }
  out.removedFields = [...new Set(out.removedFields)];
  return out;
}

function diffArrays(was: unknown[], now: unknown[], path: string, out: UpdateDescription): void {
  if (now.length < was.length) out.truncatedArrays.push({ field: path, newSize: now.length });
  for (let i = 0; i < now.length; i++) {
    if (i >= was.length) out.updatedFields[`${path}.${i}`] = now[i];
    else diffValues(was[i], now[i], `${path}.${i}`, out);
  }
}

function diffValues(was: unknown, now: unknown, path: string, out: UpdateDescription): void {
  if (same(was, now)) return;
  if (isPlainObject(was) && isPlainObject(now)) diffDocuments(was, now, `${path}.`, out);
  else if (Array.isArray(was) && Array.isArray(now)) diffArrays(was, now, path, out);
  else out.updatedFields[path] = now;
}

function diffDocuments(was: Document, now: Document, prefix: string, out: UpdateDescription): void {
  for (const key of Object.keys(was)) if (!Object.hasOwn(now, key)) out.removedFields.push(prefix + key);
  for (const [key, value] of Object.entries(now)) {
    if (!Object.hasOwn(was, key)) out.updatedFields[prefix + key] = value;
    else diffValues(was[key], value, prefix + key, out);
  }
}

/**
 * What a change stream says of an update. Operator updates are described by the paths their
 * operators touched; pipeline updates by a diff of the two versions, and, as mongod does, as a
 * replacement when that diff would be larger than the new document.
 */
export function describeUpdate(before: Document, after: Document, u: unknown): UpdateChange {
  if (Array.isArray(u)) {
    const description: UpdateDescription = { updatedFields: {}, removedFields: [], truncatedArrays: [] };
    diffDocuments(before, after, '', description);
    if (BSON.calculateObjectSize(description) > BSON.calculateObjectSize(after)) return { kind: 'replace' };
    return { kind: 'update', description };
  }
  if (!isPlainObject(u) || !isOperatorUpdate(u)) return { kind: 'replace' };
  return { kind: 'update', description: describeOperators(before, after, u) };
}
