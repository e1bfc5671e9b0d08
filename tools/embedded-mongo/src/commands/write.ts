import { BSON, type Document, isPlainObject } from '../bson';
import { Collection } from '../collection';
import { type CommandContext, type Handler, collectionArg } from '../context';
import { asCommandError, failedToParse } from '../errors';
import { applyUpdate, findDocs, matching, project, rejectCollation, upsertDocument } from '../query';

interface WriteError {
  index: number;
  code: number;
  errmsg: string;
  [extra: string]: unknown;
}

function writeError(index: number, err: unknown): WriteError {
  const e = asCommandError(err);
  return { index, code: e.code, errmsg: e.message, ...e.extra };
}

function statements(cmd: Document, field: string): Document[] {
  const list = cmd[field];
  if (!Array.isArray(list) || !list.every(isPlainObject)) throw failedToParse(`'${field}' must be an array of objects`);
  return list;
}

/** Runs each statement in turn; an ordered batch stops at its first error, as mongod does. */
function runBatch(cmd: Document, items: Document[], run: (item: Document, index: number) => void): WriteError[] {
  const ordered = cmd.ordered !== false;
  const errors: WriteError[] = [];
  for (let i = 0; i < items.length; i++) {
    try {
      run(items[i] as Document, i);
    } catch (err) {
      errors.push(writeError(i, err));
      if (ordered) break;
    }
  }
  return errors;
}

function withErrors(reply: Document, errors: WriteError[]): Document {
  return errors.length ? { ...reply, writeErrors: errors } : reply;
}

function insertOne(coll: Collection, raw: Document): Document {
  const doc = Collection.prepareForInsert(raw);
  const err = coll.checkInsert(doc);
  if (err) throw err;
  coll.insert(doc);
  return doc;
}

const insert: Handler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'insert');
  const docs = statements(cmd, 'documents');
  const { coll } = ctx.store.ensure(ctx.db, name);
  let n = 0;
  const errors = runBatch(cmd, docs, (doc) => {
    insertOne(coll, doc);
    n++;
  });
  return withErrors({ n }, errors);
};

function firstMatch(coll: Collection | undefined, filter: Document, sort?: unknown): Document | undefined {
  if (isPlainObject(sort) && Object.keys(sort).length) return findDocs(coll, filter, { sort, limit: 1 })[0];
  return matching(coll, filter, 1)[0];
}

/** Replaces `doc` by its updated version when that changes anything; returns the new version. */
function updateDoc(coll: Collection, doc: Document, u: unknown, filter: Document, arrayFilters: unknown): { next: Document; modified: boolean } {
  const next = applyUpdate(doc, u, { arrayFilters, filter });
  if (Buffer.compare(BSON.serialize(next), BSON.serialize(doc)) === 0) return { next: doc, modified: false };
  const err = coll.checkReplace(doc, next);
  if (err) throw err;
  coll.replace(doc, next);
  return { next, modified: true };
}

const update: Handler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'update');
  const stmts = statements(cmd, 'updates');
  let n = 0;
  let nModified = 0;
  const upserted: Document[] = [];
  const errors = runBatch(cmd, stmts, (stmt, index) => {
    rejectCollation(stmt.collation);
    const filter = (stmt.q ?? {}) as Document;
    const coll = ctx.store.get(ctx.db, name);
    const matches = matching(coll, filter, stmt.multi === true ? Infinity : 1);
    if (matches.length === 0 && stmt.upsert === true) {
      const doc = upsertDocument(filter, stmt.u, stmt.arrayFilters);
      insertOne(ctx.store.ensure(ctx.db, name).coll, doc);
      n++;
      upserted.push({ index, _id: doc._id });
      return;
    }
    for (const doc of matches) {
      const { modified } = updateDoc(coll as Collection, doc, stmt.u, filter, stmt.arrayFilters);
      n++;
      if (modified) nModified++;
    }
  });
  const reply: Document = { n, nModified };
  if (upserted.length) reply.upserted = upserted;
  return withErrors(reply, errors);
};

const remove: Handler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'delete');
  const stmts = statements(cmd, 'deletes');
  let n = 0;
  const errors = runBatch(cmd, stmts, (stmt) => {
    rejectCollation(stmt.collation);
    const filter = (stmt.q ?? {}) as Document;
    const coll = ctx.store.get(ctx.db, name);
    for (const doc of matching(coll, filter, stmt.limit === 1 ? 1 : Infinity)) {
      coll?.remove(doc);
      n++;
    }
  });
  return withErrors({ n }, errors);
};

const findAndModify: Handler = (cmd, ctx: CommandContext) => {
  const name = collectionArg(cmd, 'findAndModify');
  rejectCollation(cmd.collation);
  const removing = cmd.remove === true;
  const hasUpdate = cmd.update !== undefined;
  if (removing && hasUpdate) throw failedToParse('Cannot specify both an update and remove=true');
  if (!removing && !hasUpdate) throw failedToParse('Either an update or remove=true must be specified');
  if (removing && cmd.upsert === true) throw failedToParse('Cannot specify both upsert=true and remove=true');
  const filter = (cmd.query ?? {}) as Document;
  const coll = ctx.store.get(ctx.db, name);
  const doc = firstMatch(coll, filter, cmd.sort);
  const shape = (d: Document | undefined) => (d ? project(d, cmd.fields) : null);

  if (removing) {
    if (doc) coll?.remove(doc);
    return { lastErrorObject: { n: doc ? 1 : 0 }, value: shape(doc) };
  }
  if (doc) {
    const { next } = updateDoc(coll as Collection, doc, cmd.update, filter, cmd.arrayFilters);
    return { lastErrorObject: { n: 1, updatedExisting: true }, value: shape(cmd.new === true ? next : doc) };
  }
  if (cmd.upsert === true) {
    const inserted = insertOne(ctx.store.ensure(ctx.db, name).coll, upsertDocument(filter, cmd.update, cmd.arrayFilters));
    return {
      lastErrorObject: { n: 1, updatedExisting: false, upserted: inserted._id },
      value: cmd.new === true ? shape(inserted) : null,
    };
  }
  return { lastErrorObject: { n: 0, updatedExisting: false }, value: null };
};

export const writeCommands: Record<string, Handler> = {
  insert,
  update,
  delete: remove,
  findAndModify,
  findandmodify: (cmd, ctx) => findAndModify({ findAndModify: cmd.findandmodify, ...cmd }, ctx),
};
