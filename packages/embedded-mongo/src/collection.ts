import { randomUUID } from 'node:crypto';
import { Query } from 'mingo';
import { Binary, type Document, ObjectId, idFirst, isPlainObject, keyOf } from './bson';
import { CommandError, badValue, immutableField, indexKeySpecsConflict, indexNotFound, indexOptionsConflict, invalidOptions } from './errors';
import { type Entry, Index, type Ordered, byKeysThenSeq, defaultIndexName } from './indexes';
import type { Oplog } from './oplog';
import { type SortSpec, mergeSorted } from './sort';
import type { UpdateChange } from './update-description';

const LOOKUP_SKIP = (v: unknown) =>
  v === null || v === undefined || v instanceof RegExp || Array.isArray(v) || isPlainObject(v);

/** Index keys for an equality or `$in` condition on one field, when an index can answer it. */
function equalityKeys(cond: unknown): string[] | undefined {
  if (!isPlainObject(cond)) return LOOKUP_SKIP(cond) ? undefined : [keyOf(cond)];
  if (Array.isArray(cond.$in) && !cond.$in.some(LOOKUP_SKIP)) return cond.$in.map(keyOf);
  if ('$eq' in cond && !LOOKUP_SKIP(cond.$eq)) return [keyOf(cond.$eq)];
  return undefined;
}

/** The filter without the equality/`$in` on `field` that an index lookup has already satisfied. */
function withoutEquality(filter: Document, field: string): Document {
  const { [field]: cond, ...rest } = filter;
  if (!isPlainObject(cond)) return rest;
  const { $in: _in, $eq: _eq, ...others } = cond;
  return Object.keys(others).length ? { ...rest, [field]: others } : rest;
}

/** The documents of merged runs, each once: an array on the leading field puts an entry in several runs. */
function* distinctDocs(items: Iterable<Ordered>): Generator<Document> {
  const seen = new Set<Entry>();
  for (const { entry } of items) {
    if (seen.has(entry)) continue;
    seen.add(entry);
    yield entry.doc;
  }
}

/**
 * Documents are stored immutable: an update builds a new object and swaps it in, so a
 * cursor holding stored documents sees a consistent snapshot and nothing outside the
 * store can change what is stored. Every method is synchronous, which makes each
 * check-then-write atomic with respect to other clients. Each write is appended to the
 * server's oplog as it happens, so change streams see exactly the writes that were made.
 */
export class Collection {
  readonly uuid = new Binary(Buffer.from(randomUUID().replace(/-/g, ''), 'hex'), Binary.SUBTYPE_UUID);
  readonly indexes: Index[] = [new Index({ key: { _id: 1 }, name: '_id_' })];
  private readonly docs = new Map<string, Entry>();
  private seq = 0;
  /** The changeStreamPreAndPostImages option, read on every update and delete. */
  private recordsImages: boolean;

  constructor(
    readonly db: string,
    readonly name: string,
    private readonly oplog: Oplog,
    private opts: Document = {},
  ) {
    this.recordsImages = isPlainObject(opts.changeStreamPreAndPostImages) && opts.changeStreamPreAndPostImages.enabled === true;
  }

  /** The options listCollections reports: changeStreamPreAndPostImages only while enabled, as mongod lists it. */
  get options(): Document {
    return this.opts;
  }

  /** From now on, updates, replaces and deletes keep the document before them (and updates the one after) for change streams, or stop. */
  recordPreAndPostImages(enabled: boolean): void {
    const { changeStreamPreAndPostImages: _, ...rest } = this.opts;
    this.opts = enabled ? { ...rest, changeStreamPreAndPostImages: { enabled: true } } : rest;
    this.recordsImages = enabled;
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  get size(): number {
    return this.docs.size;
  }

  all(): Document[] {
    return Array.from(this.docs.values(), (e) => e.doc);
  }

  byId(id: unknown): Document | undefined {
    return this.docs.get(keyOf(id))?.doc;
  }

  /**
   * The documents a filter may match, and the part of the filter still to test on them.
   * An equality or `$in` on `_id` or on an index's leading field picks the candidates from
   * that index; the index already proves that condition, so it leaves the residual filter.
   */
  candidates(filter: Document): { docs: Document[]; residual: Document } {
    const planned = this.plan(filter);
    if (!planned) return { docs: this.all(), residual: filter };
    const entries = [...planned.entries].sort((a, b) => a.seq - b.seq);
    return { docs: entries.map((e) => e.doc), residual: withoutEquality(filter, planned.field) };
  }

  /**
   * The candidates already in `sort` order, produced lazily, when an index yields them so: an
   * equality or `$in` on its leading field and a sort on exactly its other fields (as declared or
   * all reversed). The order is the one `candidates` + `sortDocs` give (ties in natural order,
   * arrays and missing fields as `sortDocs` takes them), so a limited find reads only as far as it
   * needs, as mongod does walking the index. Undefined when no index serves; an `_id` lookup is
   * left to `candidates`, it has at most a few documents.
   */
  inSortOrder(filter: Document, sort: SortSpec): { docs: Iterable<Document>; residual: Document } | undefined {
    if ('_id' in filter && equalityKeys(filter._id)) return undefined;
    for (const index of this.indexes) {
      const order = index.servesLookups && index.leadingField in filter ? index.orderFor(sort) : undefined;
      const keys = order && equalityKeys(filter[index.leadingField]);
      if (!order || !keys) continue;
      const runs = [...new Set(keys)].map((k) => index.ordered(k, order));
      const merged = mergeSorted(runs, (a: Ordered, b: Ordered) => byKeysThenSeq(a, b, order));
      return { docs: distinctDocs(merged), residual: withoutEquality(filter, index.leadingField) };
    }
    return undefined;
  }

  private plan(filter: Document): { entries: Set<Entry>; field: string } | undefined {
    const idKeys = '_id' in filter ? equalityKeys(filter._id) : undefined;
    if (idKeys) {
      const entries = new Set<Entry>();
      for (const k of idKeys) {
        const e = this.docs.get(k);
        if (e) entries.add(e);
      }
      return { entries, field: '_id' };
    }
    // Equality on every field of a unique index names one document at most, as mongod's point lookup on
    // it does: an upsert by a compound key then costs one map read, not a scan of its leading value.
    for (const index of this.indexes) {
      const keys = index.fieldNames.map((name) => (name in filter ? equalityKeys(filter[name]) : undefined));
      if (!keys.every((k) => k?.length === 1)) continue;
      const id = index.holderOf(keys.map((k) => (k as string[])[0] as string));
      if (id === null) continue;
      const entry = id === undefined ? undefined : this.docs.get(id);
      return { entries: new Set(entry ? [entry] : []), field: index.leadingField };
    }
    for (const index of this.indexes) {
      if (!index.servesLookups || !(index.leadingField in filter)) continue;
      const keys = equalityKeys(filter[index.leadingField]);
      if (!keys) continue;
      const entries = new Set<Entry>();
      for (const k of keys) for (const e of index.lookup(k)) entries.add(e);
      return { entries, field: index.leadingField };
    }
    return undefined;
  }

  /** Adds `_id` when missing and puts it first, as mongod does. */
  static prepareForInsert(doc: Document): Document {
    if (doc._id === undefined) return { _id: new ObjectId(), ...doc };
    if (Array.isArray(doc._id)) throw badValue("can't use an array for _id");
    return idFirst(doc);
  }

  /** The error an insert of `doc` would raise, if any. */
  checkInsert(doc: Document): CommandError | undefined {
    const id = keyOf(doc._id);
    if (this.docs.has(id)) return (this.indexes[0] as Index).duplicateError([doc._id], this.ns);
    return this.conflict(doc, id);
  }

  insert(doc: Document): void {
    const entry = { id: keyOf(doc._id), doc, seq: this.seq++ };
    for (const index of this.indexes) index.add(entry);
    this.docs.set(entry.id, entry);
    this.oplog.append({ op: 'insert', ...this.where(), documentKey: { _id: doc._id }, doc });
  }

  checkReplace(old: Document, next: Document): CommandError | undefined {
    if (keyOf(old._id) !== keyOf(next._id)) {
      return immutableField(
        `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${String(next._id)}`,
      );
    }
    return this.conflict(next, keyOf(old._id));
  }

  /** Swaps `old` for `next`; `change` is what change streams report of it. */
  replace(old: Document, next: Document, change: UpdateChange): void {
    const entry = this.docs.get(keyOf(old._id));
    if (!entry) return;
    const preImage = this.recordsImages ? entry.doc : undefined;
    for (const index of this.indexes) index.remove(entry, old);
    entry.doc = next;
    for (const index of this.indexes) index.add(entry);
    const documentKey = { _id: next._id };
    if (change.kind === 'replace') this.oplog.append({ op: 'replace', ...this.where(), documentKey, doc: next, preImage });
    else {
      const doc = this.recordsImages ? next : undefined;
      this.oplog.append({ op: 'update', ...this.where(), documentKey, doc, update: change.description, preImage });
    }
  }

  remove(doc: Document): void {
    const entry = this.docs.get(keyOf(doc._id));
    if (!entry) return;
    this.docs.delete(entry.id);
    for (const index of this.indexes) index.remove(entry, entry.doc);
    const preImage = this.recordsImages ? entry.doc : undefined;
    this.oplog.append({ op: 'delete', ...this.where(), documentKey: { _id: doc._id }, preImage });
  }

  private where() {
    return { db: this.db, coll: this.name, uuid: this.uuid };
  }

  private conflict(doc: Document, id: string): CommandError | undefined {
    for (const index of this.indexes) {
      const err = index.conflict(doc, id, this.ns);
      if (err) return err;
    }
    return undefined;
  }

  /** Creates an index over the existing documents; returns false when an identical one exists. */
  createIndex(raw: Document): boolean {
    const spec = { ...raw, name: raw.name ?? defaultIndexName(raw.key as Document) };
    const index = new Index(spec);
    const sameName = this.indexes.find((i) => i.name === index.name);
    if (sameName) {
      if (sameName.sameDefinition(index)) return false;
      throw indexKeySpecsConflict(
        `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(index.spec)}, existing index: ${JSON.stringify(sameName.spec)}`,
      );
    }
    const sameKey = this.indexes.find((i) => i.sameDefinition(index));
    if (sameKey) {
      throw indexOptionsConflict(`Index already exists with a different name: ${sameKey.name}`);
    }
    if (index.unique) {
      const seen = new Map<string, Document>();
      for (const { doc } of this.docs.values()) {
        const { full, values } = index.keysFor(doc);
        for (let i = 0; i < full.length; i++) {
          const k = full[i] as string;
          const holder = seen.get(k);
          if (holder && holder !== doc) {
            throw index.duplicateError(values[i] ?? [], this.ns, `Index build failed: ${this.ns}: `);
          }
          seen.set(k, doc);
        }
      }
    }
    for (const entry of this.docs.values()) index.add(entry);
    this.indexes.push(index);
    return true;
  }

  /** Drops indexes by name, key pattern, list of names or `'*'`; returns how many existed before. */
  dropIndexes(which: unknown): number {
    const before = this.indexes.length;
    let names: string[];
    if (which === '*') names = this.indexes.filter((i) => !i.isIdIndex).map((i) => i.name);
    else if (typeof which === 'string') names = [which];
    else if (Array.isArray(which)) names = which.map(String);
    else if (isPlainObject(which)) {
      const match = this.indexes.find((i) => keyOf(i.key) === keyOf(which));
      if (!match) throw indexNotFound(`can't find index with key: ${JSON.stringify(which)}`);
      names = [match.name];
    } else throw badValue("The 'index' field must be a string, an object or an array of strings");
    for (const name of names) {
      if (name === '_id_') throw invalidOptions('cannot drop _id index');
      if (!this.indexes.some((i) => i.name === name)) throw indexNotFound(`index not found with name [${name}]`);
    }
    for (const name of names) this.indexes.splice(this.indexes.findIndex((i) => i.name === name), 1);
    return before;
  }

  /** Deletes documents whose TTL index date lies further back than `expireAfterSeconds`. */
  expire(now: number): void {
    for (const index of this.indexes) {
      const seconds = index.spec.expireAfterSeconds;
      if (typeof seconds !== 'number' || index.fields.length !== 1) continue;
      const field = index.leadingField;
      const cutoff = new Date(now - seconds * 1000);
      const expired = new Query({ [field]: { $lt: cutoff } }, {});
      for (const doc of this.all()) if (expired.test(doc)) this.remove(doc);
    }
  }
}
