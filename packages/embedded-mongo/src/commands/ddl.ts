import { Query } from 'mingo';
import { BSON, type Document, bsonTypeName, isPlainObject } from '../bson';
import { type Handler, collectionArg } from '../context';
import { badValue, failedToParse, invalidOptions, location, namespaceNotFound, notSupported, typeMismatch } from '../errors';

const UNSUPPORTED_CREATE_OPTIONS: Record<string, string> = {
  viewOn: 'Views',
  pipeline: 'Views',
  timeseries: 'Time-series collections',
  capped: 'Capped collections',
  validator: 'Document validation',
  clusteredIndex: 'Clustered collections',
  collation: 'Collation',
  encryptedFields: 'Queryable encryption',
};

const UNSUPPORTED_COLLMOD_OPTIONS: Record<string, string> = {
  validator: 'Document validation',
  validationLevel: 'Document validation',
  validationAction: 'Document validation',
  viewOn: 'Views',
  pipeline: 'Views',
  timeseries: 'Time-series collections',
  expireAfterSeconds: 'Clustered collections',
  cappedSize: 'Capped collections',
  cappedMax: 'Capped collections',
  index: 'Changing an index with collMod',
};

const INTERNAL_DATABASES = new Set(['admin', 'config', 'local']);

/**
 * `changeStreamPreAndPostImages: { enabled: <bool> }` of a create or collMod, checked as mongod's
 * command parser checks it, field by field: a null counts as absent. Undefined when absent.
 */
function preAndPostImagesOption(command: string, value: unknown): boolean | undefined {
  const field = `${command}.changeStreamPreAndPostImages`;
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw typeMismatch(`BSON field '${field}' is the wrong type '${bsonTypeName(value)}', expected type 'object'`);
  let enabled: boolean | undefined;
  for (const [key, v] of Object.entries(value)) {
    if (key !== 'enabled') throw location(40415, `BSON field '${field}.${key}' is an unknown field.`);
    if (v === null) continue;
    if (typeof v !== 'boolean') throw typeMismatch(`BSON field '${field}.enabled' is the wrong type '${bsonTypeName(v)}', expected type 'bool'`);
    enabled = v;
  }
  if (enabled === undefined) throw location(40414, `BSON field '${field}.enabled' is missing but a required field`);
  return enabled;
}

/** mongod keeps no pre- or post-images for its own databases. */
function refuseImagesOnInternalDatabase(db: string): void {
  if (INTERNAL_DATABASES.has(db)) throw invalidOptions(`changeStreamPreAndPostImages collection option is not supported on the ${db} database`);
}

const create: Handler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'create');
  const images = preAndPostImagesOption('create', cmd.changeStreamPreAndPostImages);
  for (const [option, what] of Object.entries(UNSUPPORTED_CREATE_OPTIONS)) {
    if (cmd[option] !== undefined && cmd[option] !== false) throw notSupported(what);
  }
  if (images) refuseImagesOnInternalDatabase(ctx.db);
  ctx.store.create(ctx.db, name, images ? { changeStreamPreAndPostImages: { enabled: true } } : {});
  return {};
};

/** Only changeStreamPreAndPostImages can be changed; mongod answers `{ ok: 1 }` for it, and for a collMod that changes nothing. */
const collMod: Handler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'collMod');
  const images = preAndPostImagesOption('collMod', cmd.changeStreamPreAndPostImages);
  const coll = ctx.store.get(ctx.db, name);
  if (!coll) throw namespaceNotFound('ns does not exist');
  for (const [option, what] of Object.entries(UNSUPPORTED_COLLMOD_OPTIONS)) {
    if (cmd[option] !== undefined) throw notSupported(what);
  }
  if (images === undefined) return {};
  if (images) refuseImagesOnInternalDatabase(ctx.db);
  coll.recordPreAndPostImages(images);
  return {};
};

const drop: Handler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'drop');
  const coll = ctx.store.drop(ctx.db, name);
  return coll ? { nIndexesWas: coll.indexes.length, ns: coll.ns } : {};
};

const dropDatabase: Handler = (_cmd, ctx) => {
  ctx.store.dropDatabase(ctx.db);
  return {};
};

function filtered(entries: Document[], filter: unknown): Document[] {
  if (!isPlainObject(filter)) return entries;
  return new Query(filter, {}).find(entries).all() as Document[];
}

const listCollections: Handler = (cmd, ctx) => {
  const entries = ctx.store.collections(ctx.db).map((c) => ({
    name: c.name,
    type: 'collection',
    options: c.options,
    info: { readOnly: false, uuid: c.uuid },
    idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
  }));
  const docs = filtered(entries, cmd.filter).map((e) => (cmd.nameOnly === true ? { name: e.name, type: e.type } : e));
  const batchSize = isPlainObject(cmd.cursor) ? cmd.cursor.batchSize : undefined;
  return { cursor: ctx.cursors.firstBatch(`${ctx.db}.$cmd.listCollections`, docs, batchSize) };
};

const listDatabases: Handler = (cmd, ctx) => {
  const entries = ctx.store.databaseNames().map((name) => {
    const sizeOnDisk = ctx.store
      .collections(name)
      .reduce((sum, c) => sum + c.all().reduce((s, d) => s + BSON.calculateObjectSize(d), 0), 0);
    return { name, sizeOnDisk, empty: false };
  });
  const databases = filtered(entries, cmd.filter);
  if (cmd.nameOnly === true) return { databases: databases.map((d) => ({ name: d.name })) };
  const totalSize = databases.reduce((s, d) => s + (d.sizeOnDisk as number), 0);
  return { databases, totalSize, totalSizeMb: Math.floor(totalSize / (1024 * 1024)) };
};

const createIndexes: Handler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'createIndexes');
  if (!Array.isArray(cmd.indexes) || cmd.indexes.length === 0) throw badValue('Must specify at least one index to create');
  const specs = cmd.indexes as unknown[];
  if (!specs.every(isPlainObject)) throw failedToParse("'indexes' must be an array of objects");
  const { coll, created } = ctx.store.ensure(ctx.db, name);
  const numIndexesBefore = coll.indexes.length;
  const built: string[] = [];
  try {
    for (const spec of specs) {
      if (coll.createIndex(spec)) built.push((coll.indexes[coll.indexes.length - 1] as { name: string }).name);
    }
  } catch (err) {
    // mongod builds the indexes of one command together: all of them or none.
    if (built.length) coll.dropIndexes(built);
    if (created) ctx.store.discard(ctx.db, name);
    throw err;
  }
  const reply: Document = { numIndexesBefore, numIndexesAfter: coll.indexes.length, createdCollectionAutomatically: created };
  if (built.length === 0) reply.note = 'all indexes already exist';
  return reply;
};

const listIndexes: Handler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'listIndexes');
  const coll = ctx.store.get(ctx.db, name);
  if (!coll) throw namespaceNotFound(`ns does not exist: ${ctx.db}.${name}`);
  const batchSize = isPlainObject(cmd.cursor) ? cmd.cursor.batchSize : undefined;
  return { cursor: ctx.cursors.firstBatch(coll.ns, coll.indexes.map((i) => i.spec), batchSize) };
};

const dropIndexes: Handler = (cmd, ctx) => {
  const name = collectionArg(cmd, cmd.dropIndexes !== undefined ? 'dropIndexes' : 'deleteIndexes');
  const coll = ctx.store.get(ctx.db, name);
  if (!coll) throw namespaceNotFound(`ns not found ${ctx.db}.${name}`);
  return { nIndexesWas: coll.dropIndexes(cmd.index) };
};

export const ddlCommands: Record<string, Handler> = {
  create,
  collMod,
  drop,
  dropDatabase,
  listCollections,
  listDatabases,
  createIndexes,
  listIndexes,
  dropIndexes,
  deleteIndexes: dropIndexes,
};
