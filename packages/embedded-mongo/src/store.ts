import { Collection } from './collection';
import type { Document } from './bson';
import { invalidNamespace, namespaceExists } from './errors';
import { Oplog } from './oplog';

/**
 * All databases of one server; a database exists while it holds a collection, as in mongod.
 * Every write, drops included, goes to the oplog, which change streams read.
 */
export class Store {
  private readonly dbs = new Map<string, Map<string, Collection>>();
  readonly oplog: Oplog;

  constructor(historyCapacity?: number) {
    this.oplog = new Oplog(historyCapacity);
  }

  databaseNames(): string[] {
    return [...this.dbs.keys()];
  }

  collections(db: string): Collection[] {
    return [...(this.dbs.get(db)?.values() ?? [])];
  }

  get(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.get(name);
  }

  /** The collection, created implicitly as an insert, upsert or createIndexes does. */
  ensure(db: string, name: string): { coll: Collection; created: boolean } {
    const existing = this.get(db, name);
    if (existing) return { coll: existing, created: false };
    return { coll: this.create(db, name, {}), created: true };
  }

  create(db: string, name: string, options: Document): Collection {
    validateNames(db, name);
    if (this.get(db, name)) throw namespaceExists(`${db}.${name}`);
    let colls = this.dbs.get(db);
    if (!colls) this.dbs.set(db, (colls = new Map()));
    const coll = new Collection(db, name, this.oplog, options);
    colls.set(name, coll);
    return coll;
  }

  drop(db: string, name: string): Collection | undefined {
    const coll = this.discard(db, name);
    if (coll) this.oplog.append({ op: 'drop', db, coll: name, uuid: coll.uuid });
    return coll;
  }

  /** Removes a collection no change stream has seen (one created by a command that then failed). */
  discard(db: string, name: string): Collection | undefined {
    const colls = this.dbs.get(db);
    const coll = colls?.get(name);
    colls?.delete(name);
    if (colls?.size === 0) this.dbs.delete(db);
    return coll;
  }

  /** Drops each collection, then the database, as mongod does (and logs). */
  dropDatabase(db: string): boolean {
    const colls = this.dbs.get(db);
    if (!colls) return false;
    for (const name of [...colls.keys()]) this.drop(db, name);
    this.oplog.append({ op: 'dropDatabase', db });
    return true;
  }
}

function validateNames(db: string, name: string): void {
  if (!db || /[/\\. "$]/.test(db) || db.length > 63) throw invalidNamespace(`Invalid database name: '${db}'`);
  if (!name || name.includes('$') || name.includes('\0')) throw invalidNamespace(`Invalid collection name: ${name}`);
  if (name.startsWith('system.')) throw invalidNamespace(`Invalid system namespace: ${db}.${name}`);
}
