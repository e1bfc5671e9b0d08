import { compare } from 'mingo/util';
import { type Document, Long, cloneDoc, idFirst, isPlainObject, keyOf, valuesAt } from '../bson';
import { openChangeStream, opensChangeStream } from '../change-streams';
import type { Collection } from '../collection';
import { type CommandContext, type Handler, collectionArg } from '../context';
import type { StreamCursor } from '../cursors';
import { badValue, changeStreamNotFirst, cursorInUse, cursorKilled, cursorNotFound, failedToParse, notSupported } from '../errors';
import { aggregator, compileFilter, findDocs, matching, rejectCollation } from '../query';

/** How long a change stream's getMore waits for an event when the client gives no maxTimeMS, as mongod. */
const DEFAULT_AWAIT_MS = 1000;
const DEFAULT_FIRST_BATCH = 101;

const UNSUPPORTED_STAGES: Record<string, string> = {
  $out: 'The $out stage',
  $merge: 'The $merge stage',
  $geoNear: 'The $geoNear stage',
  $search: 'The $search stage',
  $searchMeta: 'The $searchMeta stage',
  $vectorSearch: 'The $vectorSearch stage',
  $collStats: 'The $collStats stage',
  $indexStats: 'The $indexStats stage',
  $currentOp: 'The $currentOp stage',
  $listSessions: 'The $listSessions stage',
  $planCacheStats: 'The $planCacheStats stage',
};

function cursorId(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value instanceof Long) return value.toNumber();
  throw badValue('cursor id must be a 64-bit integer');
}

const find: Handler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'find');
  rejectCollation(cmd.collation);
  if (cmd.tailable) throw notSupported('A tailable cursor');
  if (cmd.explain) throw notSupported('explain');
  const limit = typeof cmd.limit === 'number' ? cmd.limit : 0;
  const docs = findDocs(ctx.store.get(ctx.db, name), cmd.filter, {
    sort: cmd.sort,
    projection: cmd.projection,
    skip: cmd.skip,
    limit,
  });
  const singleBatch = cmd.singleBatch === true || limit < 0;
  return { cursor: ctx.cursors.firstBatch(`${ctx.db}.${name}`, docs, cmd.batchSize, singleBatch) };
};

/**
 * The next events of a change stream. With none yet, waits up to maxTimeMS for a write to arrive
 * (woken by the oplog, no polling), reads again, and answers as soon as something came out of the
 * stream or the time is up.
 */
async function nextEvents(id: number, cursor: StreamCursor, cmd: Document, ctx: CommandContext): Promise<Document> {
  if (cursor.waiting) throw cursorInUse(id);
  const size = typeof cmd.batchSize === 'number' && cmd.batchSize > 0 ? cmd.batchSize : Infinity;
  const deadline = Date.now() + (typeof cmd.maxTimeMS === 'number' ? cmd.maxTimeMS : DEFAULT_AWAIT_MS);
  const waiting = new AbortController();
  const stop = () => waiting.abort();
  cursor.waiting = waiting;
  ctx.signal.addEventListener('abort', stop);
  try {
    for (;;) {
      const { events, postBatchResumeToken } = cursor.stream.next(size);
      const left = deadline - Date.now();
      if (events.length > 0 || cursor.stream.invalidated || left <= 0 || waiting.signal.aborted) {
        if (cursor.stream.invalidated) ctx.cursors.kill(id);
        const open = !cursor.stream.invalidated;
        return { cursor: { nextBatch: events, postBatchResumeToken, id: Long.fromNumber(open ? id : 0), ns: cursor.ns } };
      }
      await ctx.store.oplog.waitForAppend(left, waiting.signal);
      if (!ctx.cursors.has(id)) throw cursorKilled(id);
    }
  } catch (err) {
    ctx.cursors.kill(id);
    throw err;
  } finally {
    cursor.waiting = undefined;
    ctx.signal.removeEventListener('abort', stop);
  }
}

const getMore: Handler = (cmd, ctx) => {
  const id = cursorId(cmd.getMore);
  const ns = `${ctx.db}.${String(cmd.collection)}`;
  const stream = ctx.cursors.stream(id, ns);
  if (stream) return nextEvents(id, stream, cmd, ctx);
  const cursor = ctx.cursors.nextBatch(id, ns, cmd.batchSize);
  if (!cursor) throw cursorNotFound(id);
  return { cursor };
};

const killCursors: Handler = (cmd, ctx) => {
  const ids = Array.isArray(cmd.cursors) ? cmd.cursors.map(cursorId) : [];
  const killed: Long[] = [];
  const notFound: Long[] = [];
  for (const id of ids) (ctx.cursors.kill(id) ? killed : notFound).push(Long.fromNumber(id));
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [] };
};

const count: Handler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'count');
  rejectCollation(cmd.collation);
  const skip = typeof cmd.skip === 'number' && cmd.skip > 0 ? cmd.skip : 0;
  const limit = typeof cmd.limit === 'number' && cmd.limit !== 0 ? Math.abs(cmd.limit) : Infinity;
  const n = Math.max(0, Math.min(matching(ctx.store.get(ctx.db, name), cmd.query, skip + limit).length - skip, limit));
  return { n };
};

const distinct: Handler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'distinct');
  rejectCollation(cmd.collation);
  if (typeof cmd.key !== 'string') throw failedToParse("'key' must be of type string");
  const path = cmd.key.split('.');
  const seen = new Map<string, unknown>();
  for (const doc of matching(ctx.store.get(ctx.db, name), cmd.query)) {
    for (const v of valuesAt(doc, path)) if (v !== undefined) seen.set(keyOf(v), v);
  }
  return { values: [...seen.values()].sort(compare) };
};

/** Input for a pipeline: a leading $match is answered through the indexes before anything is copied. */
function pipelineInput(coll: Collection | undefined, pipeline: Document[]): { input: Document[]; rest: Document[] } {
  if (!coll) return { input: [], rest: pipeline };
  const first = pipeline[0];
  if (first && isPlainObject(first.$match)) {
    const input = matching(coll, first.$match).map(cloneDoc);
    return { input, rest: pipeline.slice(1) };
  }
  return { input: coll.all().map(cloneDoc), rest: pipeline };
}

function checkStages(pipeline: Document[]): void {
  for (const stage of pipeline) {
    const op = Object.keys(stage)[0] ?? '';
    if (op === '$changeStream') throw changeStreamNotFirst();
    const what = UNSUPPORTED_STAGES[op];
    if (what) throw notSupported(what);
    if (op === '$match') compileFilter(stage.$match);
    if (op === '$lookup' && isPlainObject(stage.$lookup) && Array.isArray(stage.$lookup.pipeline)) {
      checkStages(stage.$lookup.pipeline as Document[]);
    }
    if (op === '$facet' && isPlainObject(stage.$facet)) {
      for (const sub of Object.values(stage.$facet)) if (Array.isArray(sub)) checkStages(sub as Document[]);
    }
  }
}

const aggregate: Handler = (cmd, ctx: CommandContext) => {
  const target = cmd.aggregate;
  if (!Array.isArray(cmd.pipeline)) throw failedToParse("'pipeline' option must be specified as an array");
  if (cmd.explain) throw notSupported('explain');
  if (!isPlainObject(cmd.cursor)) {
    throw failedToParse("The 'cursor' option is required, except for aggregate with the explain argument");
  }
  rejectCollation(cmd.collation);
  const pipeline = cmd.pipeline as Document[];
  if (opensChangeStream(pipeline)) return changeStream(cmd, ctx);
  checkStages(pipeline);
  const name = target === 1 ? undefined : collectionArg(cmd, 'aggregate');
  const { input, rest } = pipelineInput(name === undefined ? undefined : ctx.store.get(ctx.db, name), pipeline);
  const resolved = new Map<string, Document[]>();
  const collectionResolver = (other: string): Document[] => {
    let docs = resolved.get(other);
    if (!docs) resolved.set(other, (docs = (ctx.store.get(ctx.db, other)?.all() ?? []).map(cloneDoc)));
    return docs;
  };
  let results: Document[];
  try {
    const variables = isPlainObject(cmd.let) ? cmd.let : undefined;
    results = aggregator(rest, { collectionResolver, ...(variables ? { variables } : {}) }).run(input) as Document[];
  } catch (err) {
    throw badValue((err as Error).message);
  }
  const ns = `${ctx.db}.${name ?? '$cmd.aggregate'}`;
  return { cursor: ctx.cursors.firstBatch(ns, results.map(idFirst), cmd.cursor.batchSize) };
};

/** An aggregate opening a change stream: the events already there after its start, and a cursor for more. */
function changeStream(cmd: Document, ctx: CommandContext): Document {
  const { stream, ns } = openChangeStream(ctx.store, ctx.db, cmd.aggregate, cmd.pipeline as Document[]);
  const batchSize = (cmd.cursor as Document).batchSize;
  const { events, postBatchResumeToken } = stream.next(typeof batchSize === 'number' ? batchSize : DEFAULT_FIRST_BATCH);
  const id = stream.invalidated ? 0 : ctx.cursors.openStream(ns, stream);
  return { cursor: { firstBatch: events, postBatchResumeToken, id: Long.fromNumber(id), ns } };
}

export const readCommands: Record<string, Handler> = { find, getMore, killCursors, count, distinct, aggregate };
