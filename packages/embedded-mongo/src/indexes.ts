import { Query } from 'mingo';
import { type Document, keyOf, shellValue, valuesAt } from './bson';
import { CommandError, badValue, notSupported } from './errors';
import { type SortSpec, compareKeys, insertionPoint, sortKeys } from './sort';

const UNSUPPORTED_KINDS = new Set(['text', '2d', '2dsphere', 'geoHaystack']);

/** A stored document with its id key and natural-order position; `doc` is swapped on update. */
export interface Entry {
  id: string;
  doc: Document;
  seq: number;
}

/** An entry with the values it sorts by in one of an index's orders. */
export interface Ordered {
  entry: Entry;
  keys: unknown[];
}

/**
 * The entries holding one leading-field value, and, once a read has asked for them, the same
 * entries in each order the index serves (see `Index.ordered`), kept sorted as entries come and go
 * so that no read has to sort a bucket again.
 */
class Bucket {
  readonly entries = new Set<Entry>();
  private readonly orders = new Map<SortSpec, Ordered[]>();

  add(entry: Entry): void {
    this.entries.add(entry);
    for (const [spec, items] of this.orders) {
      const item = { entry, keys: sortKeys(entry.doc, spec) };
      items.splice(insertionPoint(items, item, (a, b) => byKeysThenSeq(a, b, spec)), 0, item);
    }
  }

  delete(entry: Entry): void {
    if (!this.entries.delete(entry)) return;
    for (const items of this.orders.values()) items.splice(items.findIndex((o) => o.entry === entry), 1);
  }

  ordered(spec: SortSpec): Ordered[] {
    let items = this.orders.get(spec);
    if (!items) {
      items = Array.from(this.entries, (entry) => ({ entry, keys: sortKeys(entry.doc, spec) }));
      items.sort((a, b) => byKeysThenSeq(a, b, spec));
      this.orders.set(spec, items);
    }
    return items;
  }
}

/** What `sortDocs` does with the same documents: sort keys first, then natural order. */
export function byKeysThenSeq(a: Ordered, b: Ordered, spec: SortSpec): number {
  return compareKeys(a.keys, b.keys, spec) || a.entry.seq - b.entry.seq;
}

export interface IndexField {
  name: string;
  path: string[];
}

/**
 * One declared index. Unique indexes keep a hash map from full key to document id
 * (so uniqueness is checked without a scan); every index usable for lookups keeps
 * a map from its leading field's value to the entries holding it, which can also
 * hand them out sorted by the other fields, as mongod reads an index range.
 */
export class Index {
  readonly name: string;
  readonly key: Document;
  readonly fields: IndexField[];
  readonly unique: boolean;
  readonly sparse: boolean;
  readonly partial: Query | undefined;
  readonly spec: Document;
  private readonly full = new Map<string, string>();
  private readonly lead = new Map<string, Bucket>();
  /** The sorts this index serves from a bucket: its fields after the first as declared, and all reversed. */
  private readonly orders: SortSpec[];

  constructor(spec: Document) {
    const key = spec.key as unknown;
    if (key === null || typeof key !== 'object' || Object.keys(key).length === 0) {
      throw new CommandError(67, 'CannotCreateIndex', 'Index keys cannot be empty.');
    }
    for (const kind of Object.values(key as Document)) {
      if (typeof kind === 'string' && UNSUPPORTED_KINDS.has(kind)) throw notSupported(`A '${kind}' index`);
    }
    if (spec.collation !== undefined) throw notSupported('Collation');
    if (typeof spec.name !== 'string' || !spec.name) throw badValue("The 'name' field is a required property of an index specification");
    this.key = key as Document;
    this.name = spec.name;
    this.fields = Object.keys(this.key).map((name) => ({ name, path: name.split('.') }));
    this.unique = spec.unique === true || this.name === '_id_';
    this.sparse = spec.sparse === true;
    this.partial = spec.partialFilterExpression ? new Query(spec.partialFilterExpression as Document, {}) : undefined;
    const { v: _v, key: _key, name: _name, ...options } = spec;
    this.spec = { v: 2, key: this.key, name: this.name, ...options };
    const rest = this.fields.slice(1);
    const dirs = rest.map((f) => this.key[f.name] as unknown);
    this.orders =
      rest.length && dirs.every((d) => d === 1 || d === -1)
        ? [1, -1].map((sign) => rest.map((f, i): [string[], number] => [f.path, (dirs[i] as number) * sign]))
        : [];
  }

  /** This index's own copy of `sort` when a bucket can yield its entries in that order, else undefined. */
  orderFor(sort: SortSpec): SortSpec | undefined {
    const same = (spec: SortSpec) =>
      spec.length === sort.length &&
      spec.every(([path, dir], i) => dir === sort[i]?.[1] && path.join('.') === sort[i]?.[0].join('.'));
    return this.orders.find(same);
  }

  /** Whether equality on the leading field can be answered from this index alone. */
  get servesLookups(): boolean {
    return !this.sparse && !this.partial && !this.isIdIndex;
  }

  /** The `_id` index is kept by the collection's own document map. */
  get isIdIndex(): boolean {
    return this.name === '_id_';
  }

  get leadingField(): string {
    return (this.fields[0] as IndexField).name;
  }

  /** Every key a document produces (several for array values), or none when sparse/partial excludes it. */
  keysFor(doc: Document): { full: string[]; lead: string[]; values: unknown[][] } {
    const perField = this.fields.map((f) => valuesAt(doc, f.path));
    if (this.sparse && perField.every((vs) => vs.length === 0)) return { full: [], lead: [], values: [] };
    if (this.partial && !this.partial.test(doc)) return { full: [], lead: [], values: [] };
    const filled = perField.map((vs) => (vs.length ? vs : [null]));
    let combos: unknown[][] = [[]];
    for (const vs of filled) combos = combos.flatMap((c) => vs.map((v) => [...c, v]));
    const full = combos.map((c) => c.map(keyOf).join('\u0000'));
    const lead = [...new Set((filled[0] ?? []).map(keyOf))];
    return { full, lead, values: combos };
  }

  /** The first key of `doc` already held by another document, as a duplicate-key error. */
  conflict(doc: Document, id: string, ns: string): CommandError | undefined {
    if (!this.unique || this.isIdIndex) return undefined;
    const { full, values } = this.keysFor(doc);
    for (let i = 0; i < full.length; i++) {
      const holder = this.full.get(full[i] as string);
      if (holder !== undefined && holder !== id) return this.duplicateError(values[i] ?? [], ns);
    }
    return undefined;
  }

  duplicateError(values: unknown[], ns: string, prefix = ''): CommandError {
    const keyValue: Document = {};
    this.fields.forEach((f, i) => (keyValue[f.name] = values[i] ?? null));
    const shown = this.fields.map((f, i) => `${f.name}: ${shellValue(values[i])}`).join(', ');
    return new CommandError(
      11000,
      'DuplicateKey',
      `${prefix}E11000 duplicate key error collection: ${ns} index: ${this.name} dup key: { ${shown} }`,
      { keyPattern: this.key, keyValue },
    );
  }

  add(entry: Entry): void {
    if (this.isIdIndex) return;
    const { full, lead } = this.keysFor(entry.doc);
    if (this.unique) for (const k of full) this.full.set(k, entry.id);
    if (this.servesLookups) {
      for (const k of lead) {
        let bucket = this.lead.get(k);
        if (!bucket) this.lead.set(k, (bucket = new Bucket()));
        bucket.add(entry);
      }
    }
  }

  /** Removes the keys `doc` (the entry's document as it was indexed) produced. */
  remove(entry: Entry, doc: Document): void {
    if (this.isIdIndex) return;
    const { full, lead } = this.keysFor(doc);
    if (this.unique) for (const k of full) if (this.full.get(k) === entry.id) this.full.delete(k);
    if (this.servesLookups) {
      for (const k of lead) {
        const bucket = this.lead.get(k);
        bucket?.delete(entry);
        if (bucket?.entries.size === 0) this.lead.delete(k);
      }
    }
  }

  /**
   * For a unique index without sparse or partial options: the id of the document holding `keys` (one
   * key per field, in the index's order), or undefined when none does. Null when the index cannot say.
   */
  holderOf(keys: string[]): string | undefined | null {
    if (!this.unique || this.isIdIndex || this.sparse || this.partial || keys.length !== this.fields.length) return null;
    return this.full.get(keys.join('\u0000'));
  }

  get fieldNames(): string[] {
    return this.fields.map((field) => field.name);
  }

  lookup(valueKey: string): Iterable<Entry> {
    return this.lead.get(valueKey)?.entries ?? [];
  }

  /** The entries holding a leading-field value, sorted by `order` (from `orderFor`) then natural order. */
  ordered(valueKey: string, order: SortSpec): Ordered[] {
    return this.lead.get(valueKey)?.ordered(order) ?? [];
  }

  /** Same key pattern and the options that make two indexes different in mongod's eyes. */
  sameDefinition(other: Index): boolean {
    return (
      keyOf(this.key) === keyOf(other.key) &&
      this.unique === other.unique &&
      this.sparse === other.sparse &&
      keyOf(this.spec.partialFilterExpression) === keyOf(other.spec.partialFilterExpression)
    );
  }
}

/** The default name mongod gives an index: `a_1_b_-1`. */
export function defaultIndexName(key: Document): string {
  return Object.entries(key)
    .map(([k, v]) => `${k}_${String(v)}`)
    .join('_');
}
