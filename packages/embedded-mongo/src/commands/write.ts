import { BSON, type Document, isPlainObject } from '../bson';
import { Collection } from '../collection';
import { type CommandContext, type Handler, collectionArg } from '../context';
import { asCommandError, failedToParse, invalidOptions } from '../errors';
import { applyUpdate, findDocs, matching, project, rejectCollation, upsertDocument } from '../query';
import { describeUpdate } from '../update-description';

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

function stmtId(cmd: Document, index: number): number {
  const ids = cmd.stmtIds;
  return Array.isArray(ids) && typeof ids[index] === 'number' ? (ids[index] as number) : index;
}

interface BatchOutcome {
  /** What each statement that took effect returned, now or, for a retried one, the first time. */
  results: Document[];
  errors: WriteError[];
  retriedStmtIds: number[];
}

/**
 * Runs each statement in turn; an ordered batch stops at its first error, as mongod does. In a
 * retryable write, a statement the first attempt applied is not applied again: its recorded result
 * stands in. Failed statements are not recorded, so a retry tries them again, as mongod does.
 */
function runBatch(cmd: Document, items: Document[], ctx: CommandContext, run: (item: Document, index: number) => Document): BatchOutcome {
  const ordered = cmd.ordered !== false;
  const outcome: BatchOutcome = { results: [], errors: [], retriedStmtIds: [] };
  for (let i = 0; i < items.length; i++) {
    const id = stmtId(cmd, i);
    const earlier = ctx.statements?.get(id);
    if (earlier) {
      outcome.results.push(earlier);
      outcome.retriedStmtIds.push(id);
      continue;
    }
    try {
      const result = run(items[i] as Document, i);
      ctx.statements?.set(id, result);
      outcome.results.push(result);
    } catch (err) {
      outcome.errors.push(writeError(i, err));
      if (ordered) break;
    }
  }
  return outcome;
}

function sum(results: Document[], field: string): number {
  return results.reduce((n, r) => n + ((r[field] as number | undefined) ?? 0), 0);
}

function batchReply(reply: Document, { errors, retriedStmtIds }: BatchOutcome): Document {
  const out = retriedStmtIds.length ? { ...reply, retriedStmtIds } : reply;
  return errors.length ? { ...out, writeErrors: errors } : out;
}

/** What each inserted statement returns; one shared object, since a retryable insert keeps one per statement. */
const INSERTED: Document = Object.freeze({ n: 1 });

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
  const outcome = runBatch(cmd, docs, ctx, (doc) => {
    insertOne(coll, doc);
    return INSERTED;
  });
  return batchReply({ n: outcome.results.length }, outcome);
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
  coll.replace(doc, next, describeUpdate(doc, next, u));
  return { next, modified: true };
}

/** mongod cannot replay a statement that changes many documents, so a retryable write may not hold one. */
function refuseMulti(ctx: CommandContext, multi: boolean, option: string): void {
  if (ctx.statements && multi) throw invalidOptions(`Cannot use (or request) retryable writes with ${option}`);
}

const update: Handler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'update');
  const stmts = statements(cmd, 'updates');
  const outcome = runBatch(cmd, stmts, ctx, (stmt, index) => {
    rejectCollation(stmt.collation);
    refuseMulti(ctx, stmt.multi === true, 'multi=true');
    const filter = (stmt.q ?? {}) as Document;
    const coll = ctx.store.get(ctx.db, name);
    const matches = matching(coll, filter, stmt.multi === true ? Infinity : 1);
    if (matches.length === 0 && stmt.upsert === true) {
      const doc = upsertDocument(filter, stmt.u, stmt.arrayFilters);
      insertOne(ctx.store.ensure(ctx.db, name).coll, doc);
      return { n: 1, nModified: 0, upserted: { index, _id: doc._id } };
    }
    let nModified = 0;
    for (const doc of matches) {
      if (updateDoc(coll as Collection, doc, stmt.u, filter, stmt.arrayFilters).modified) nModified++;
    }
    return { n: matches.length, nModified };
  });
  const reply: Document = { n: sum(outcome.results, 'n'), nModified: sum(outcome.results, 'nModified') };
  const upserted = outcome.results.flatMap((r) => (r.upserted ? [r.upserted as Document] : []));
  if (upserted.length) reply.upserted = upserted;
  return batchReply(reply, outcome);
};

const remove: Handler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'delete');
  const stmts = statements(cmd, 'deletes');
  const outcome = runBatch(cmd, stmts, ctx, (stmt) => {
    rejectCollation(stmt.collation);
    refuseMulti(ctx, stmt.limit !== 1, 'limit=0');
    const filter = (stmt.q ?? {}) as Document;
    const coll = ctx.store.get(ctx.db, name);
    const docs = matching(coll, filter, stmt.limit === 1 ? 1 : Infinity);
    for (const doc of docs) coll?.remove(doc);
    return { n: docs.length };
  });
  return batchReply({ n: sum(outcome.results, 'n') }, outcome);
};

/** One statement: a retry answers with the first attempt's reply instead of modifying again. */
const findAndModify: Handler = (cmd, ctx: CommandContext) => {
  const id = typeof cmd.stmtId === 'number' ? cmd.stmtId : 0;
  const earlier = ctx.statements?.get(id);
  if (earlier) return { ...earlier, retriedStmtId: id };
  const reply = modifyOne(cmd, ctx);
  ctx.statements?.set(id, reply);
  return reply;
};

function modifyOne(cmd: Document, ctx: CommandContext): Document {
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
}

export const writeCommands: Record<string, Handler> = {
  insert,
  update,
  delete: remove,
  findAndModify,
  findandmodify: (cmd, ctx) => findAndModify({ findAndModify: cmd.findandmodify, ...cmd }, ctx),
};
