import { Query } from 'mingo';
import { type Document, keyOf, shellValue, valuesAt } from './bson';
import { CommandError, badValue, notSupported } from './errors';

const UNSUPPORTED_KINDS = new Set(['text', '2d', '2dsphere', 'geoHaystack']);

/** A stored document with its id key and natural-order position; `doc` is swapped on update. */
export interface Entry {
  id: string;
  doc: Document;
  seq: number;
}

export interface IndexField {
  name: string;
  path: string[];
}

/**
 * One declared index. Unique indexes keep a hash map from full key to document id
 * (so uniqueness is checked without a scan); every index usable for lookups keeps
 * a map from its leading field's value to the entries holding it.
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
  private readonly lead = new Map<string, Set<Entry>>();

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
        let entries = this.lead.get(k);
        if (!entries) this.lead.set(k, (entries = new Set()));
        entries.add(entry);
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
        const entries = this.lead.get(k);
        entries?.delete(entry);
        if (entries?.size === 0) this.lead.delete(k);
      }
    }
  }

  lookup(valueKey: string): Iterable<Entry> {
    return this.lead.get(valueKey) ?? [];
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
