import type { Query } from 'mingo';
import type { Aggregator } from 'mingo/aggregator';
import { type Document, Timestamp, cloneDoc, isPlainObject } from './bson';
import {
  badValue,
  changeStreamFatal,
  changeStreamHistoryLost,
  changeStreamNotFirst,
  illegalOperation,
  invalidNamespace,
  invalidResumeToken,
  location,
  noMatchingDocument,
  notSupported,
} from './errors';
import { type Oplog, type OplogEntry, compareTs } from './oplog';
import { aggregator, compileFilter } from './query';
import { decodeToken, encodeToken } from './resume-token';
import type { Store } from './store';

/** The stages mongod allows after $changeStream: each maps one event to at most one. */
const STAGES_AFTER = new Set(['$match', '$project', '$addFields', '$set', '$unset', '$replaceRoot', '$replaceWith', '$redact']);
const SPEC_FIELDS = new Set([
  'resumeAfter',
  'startAfter',
  'startAtOperationTime',
  'fullDocument',
  'fullDocumentBeforeChange',
  'allChangesForCluster',
  'showExpandedEvents',
]);
const INTERNAL_DATABASES = new Set(['admin', 'config', 'local']);
const FULL_DOCUMENT_MODES = ['default', 'updateLookup', 'whenAvailable', 'required'] as const;
const BEFORE_CHANGE_MODES = ['off', 'whenAvailable', 'required'] as const;
/** The events that carry fullDocumentBeforeChange when a stream asks for it. */
const HAS_PRE_IMAGE = new Set(['update', 'replace', 'delete']);

type FullDocumentMode = (typeof FULL_DOCUMENT_MODES)[number];
type BeforeChangeMode = (typeof BEFORE_CHANGE_MODES)[number];

/** What a stream watches: a collection (db and coll), a database (db), or the whole server (neither). */
interface Scope {
  db?: string;
  coll?: string;
}

/** How an oplog entry bears on a stream: not at all, as an event, and whether it ends the stream. */
type Effect = 'none' | 'event' | 'eventThenInvalidate' | 'invalidate';

interface Start {
  /** The sequence number of the last entry the stream counts as read. */
  position: number;
  /** The postBatchResumeToken until the stream reads further. */
  token: Document;
  /** startAtOperationTime: entries before it are skipped even when written later (a time to come). */
  skipBefore?: Timestamp;
  /** The token names an event that ends this stream: the invalidate comes first. */
  invalidateAfterStart: boolean;
}

export interface Batch {
  events: Document[];
  postBatchResumeToken: Document;
}

/**
 * What a stream adds of a document's versions: `fullDocument` of updates (`after`) and
 * `fullDocumentBeforeChange` (`before`). A point-in-time image ('whenAvailable', 'required') is the
 * one the oplog entry kept, which it does only when its collection had changeStreamPreAndPostImages on.
 */
interface Images {
  after: FullDocumentMode;
  before: BeforeChangeMode;
  /**
   * mongod moves the parts of the $match stages opening the user's pipeline that read neither image
   * ahead of its pre-image lookup, and those that do not read fullDocument ahead of its post-image
   * lookup: an event they drop never reaches the lookup, so a missing required image fails nothing.
   * Undefined when no such condition exists (or the image is not required).
   */
  aheadOfPreImage?: Query;
  aheadOfPostImage?: Query;
}

function effectOf({ db, coll }: Scope, entry: OplogEntry): Effect {
  if (entry.coll?.startsWith('system.')) return 'none';
  if (db === undefined) return INTERNAL_DATABASES.has(entry.db) ? 'none' : 'event';
  if (entry.db !== db) return 'none';
  if (coll === undefined) return entry.op === 'dropDatabase' ? 'eventThenInvalidate' : 'event';
  if (entry.op === 'dropDatabase') return 'invalidate';
  if (entry.coll !== coll) return 'none';
  return entry.op === 'drop' ? 'eventThenInvalidate' : 'event';
}

function predecessor(ts: Timestamp): Timestamp {
  return ts.i > 0 ? new Timestamp({ t: ts.t, i: ts.i - 1 }) : new Timestamp({ t: ts.t - 1, i: 0xffffffff });
}

/**
 * One change stream cursor: a position in the oplog, moved forward by `next`, which turns the
 * entries its scope sees into change events shaped as mongod 7 sends them and passes each through
 * the stages that followed $changeStream. A collection stream ends (invalidate) when its collection
 * or database is dropped, a database stream when its database is.
 */
export class ChangeStream {
  private position: number;
  private token: Document;
  private readonly skipBefore: Timestamp | undefined;
  private pendingInvalidate: OplogEntry | undefined;
  invalidated = false;

  constructor(
    private readonly store: Store,
    private readonly scope: Scope,
    private readonly pipeline: Aggregator | undefined,
    private readonly images: Images,
    start: Start,
  ) {
    this.position = start.position;
    this.token = start.token;
    this.skipBefore = start.skipBefore;
    if (start.invalidateAfterStart) this.pendingInvalidate = store.oplog.entry(start.position);
  }

  /** Up to `size` events after the position, and the token to resume from after them. */
  next(size: number): Batch {
    const { oplog } = this.store;
    if (this.position < oplog.oldestSeq - 1) throw changeStreamHistoryLost();
    const events: Document[] = [];
    if (this.pendingInvalidate) this.invalidate(this.pendingInvalidate, events);
    while (!this.invalidated && events.length < size && this.position < oplog.lastSeq) {
      const entry = oplog.entry(++this.position) as OplogEntry;
      this.token = this.tokenFor(entry, false);
      if (this.skipBefore && compareTs(entry.ts, this.skipBefore) < 0) continue;
      const effect = effectOf(this.scope, entry);
      if (effect === 'none') continue;
      if (effect !== 'invalidate') {
        const event = this.eventOf(entry);
        if (event && this.emit(event, events)) this.token = event._id as Document;
      }
      if (effect === 'event') continue;
      if (events.length < size) this.invalidate(entry, events);
      else this.pendingInvalidate = entry;
    }
    return { events, postBatchResumeToken: this.token };
  }

  private tokenFor(entry: OplogEntry, event: boolean, fromInvalidate = false): Document {
    return encodeToken({ ts: entry.ts, event, fromInvalidate, instance: this.store.oplog.instance });
  }

  private invalidate(entry: OplogEntry, events: Document[]): void {
    this.pendingInvalidate = undefined;
    const _id = this.tokenFor(entry, true, true);
    this.emit({ _id, operationType: 'invalidate', clusterTime: entry.ts, wallTime: entry.wallTime }, events);
    this.token = _id;
    this.invalidated = true;
  }

  /**
   * The event of an entry, fields in mongod's order (fullDocumentBeforeChange last, where mongod's
   * pre-image stage appends it). Undefined when a required image is missing but the stream's leading
   * $match drops the event before mongod would look the image up. A missing required image the
   * lookup is reached for fails the stream with NoMatchingDocument (47), as mongod 7 does
   * (src/mongo/db/pipeline/document_source_change_stream_add_pre_image.cpp and _add_post_image.cpp).
   */
  private eventOf(entry: OplogEntry): Document | undefined {
    const head = { _id: this.tokenFor(entry, true), operationType: entry.op, clusterTime: entry.ts, wallTime: entry.wallTime };
    const ns = entry.coll === undefined ? { db: entry.db } : { db: entry.db, coll: entry.coll };
    let event: Document;
    switch (entry.op) {
      case 'insert':
      case 'replace':
        event = { ...head, fullDocument: entry.doc, ns, documentKey: entry.documentKey };
        break;
      case 'update':
        event =
          this.images.after === 'default'
            ? { ...head, ns, documentKey: entry.documentKey, updateDescription: entry.update }
            : { ...head, fullDocument: this.postImage(entry), ns, documentKey: entry.documentKey, updateDescription: entry.update };
        break;
      case 'delete':
        event = { ...head, ns, documentKey: entry.documentKey };
        break;
      default:
        return { ...head, ns };
    }
    const { before, after, aheadOfPreImage, aheadOfPostImage } = this.images;
    if (before !== 'off' && HAS_PRE_IMAGE.has(entry.op)) {
      if (!entry.preImage && before === 'required') return this.imageMissing(event, 'pre', aheadOfPreImage);
      event.fullDocumentBeforeChange = entry.preImage ?? null;
    }
    if (after === 'required' && entry.op === 'update' && !entry.doc) return this.imageMissing(event, 'post', aheadOfPostImage);
    return event;
  }

  /** fullDocument of an update: the document now (updateLookup), or as the update left it when the entry kept it. */
  private postImage(entry: OplogEntry): Document | null {
    return this.images.after === 'updateLookup' ? this.lookup(entry) : (entry.doc ?? null);
  }

  private imageMissing(event: Document, image: 'pre' | 'post', ahead: Query | undefined): undefined {
    if (ahead && !ahead.test(event)) return undefined;
    const what = image === 'pre' ? 'a pre-image for all update, delete and replace events' : 'a post-image for all update events';
    const ns = event.ns as Document;
    const ts = event.clusterTime as Timestamp;
    throw noMatchingDocument(
      `Change stream was configured to require ${what}, but the ${image}-image was not found for event: {operationType: "${String(event.operationType)}", ns: {db: "${String(ns.db)}", coll: "${String(ns.coll)}"}, clusterTime: Timestamp(${ts.t}, ${ts.i})}`,
    );
  }

  /** The document as it is now, as mongod's updateLookup reads it: null once deleted or its collection dropped. */
  private lookup(entry: OplogEntry): Document | null {
    const coll = this.store.get(entry.db, entry.coll as string);
    if (!coll || coll.uuid !== entry.uuid) return null;
    return coll.byId((entry.documentKey as Document)._id) ?? null;
  }

  /** Passes an event through the user's stages; returns whether it came out. */
  private emit(event: Document, events: Document[]): boolean {
    if (!this.pipeline) {
      events.push(event);
      return true;
    }
    let out: Document[];
    try {
      out = this.pipeline.run([cloneDoc(event)]) as Document[];
    } catch (err) {
      throw badValue((err as Error).message);
    }
    for (const doc of out) {
      const id = doc._id;
      if (!isPlainObject(id) || id._data !== (event._id as Document)._data || Object.keys(id).length !== 1) {
        throw changeStreamFatal(
          'Encountered an event whose _id field, which contains the resume token, was modified by the pipeline. Modifying the _id field of an event makes it impossible to resume the stream from that point. Only transformations that retain the unmodified _id field are allowed.',
        );
      }
      events.push(doc);
    }
    return out.length > 0;
  }
}

function scopeOf(db: string, target: unknown, spec: Document): { scope: Scope; ns: string } {
  if (spec.allChangesForCluster === true) {
    if (db !== 'admin' || target !== 1) {
      throw invalidNamespace(
        `A $changeStream with 'allChangesForCluster:true' may only be opened on the 'admin' database, and with no collection name; found ${db}.${target === 1 ? '$cmd.aggregate' : String(target)}`,
      );
    }
    return { scope: {}, ns: 'admin.$cmd.aggregate' };
  }
  if (INTERNAL_DATABASES.has(db)) throw invalidNamespace(`$changeStream may not be opened on the internal ${db} database`);
  if (target === 1) return { scope: { db }, ns: `${db}.$cmd.aggregate` };
  if (typeof target !== 'string' || target === '') throw invalidNamespace('collection name has invalid type');
  if (target.startsWith('system.')) throw invalidNamespace(`$changeStream may not be opened on the internal ${db}.${target} collection`);
  return { scope: { db, coll: target }, ns: `${db}.${target}` };
}

function mode<T extends string>(spec: Document, field: string, modes: readonly T[], fallback: T): T {
  const value: unknown = spec[field] ?? fallback;
  if (!modes.includes(value as T)) throw badValue(`Enumeration value '${String(value)}' for field '$changeStream.${field}' is not a valid value.`);
  return value as T;
}

function checkSpec(spec: Document): { after: FullDocumentMode; before: BeforeChangeMode } {
  for (const key of Object.keys(spec)) {
    if (!SPEC_FIELDS.has(key)) throw location(40415, `BSON field '$changeStream.${key}' is an unknown field.`);
  }
  const after = mode(spec, 'fullDocument', FULL_DOCUMENT_MODES, 'default');
  const before = mode(spec, 'fullDocumentBeforeChange', BEFORE_CHANGE_MODES, 'off');
  if (spec.showExpandedEvents === true) throw notSupported('showExpandedEvents');
  return { after, before };
}

/** The conditions of the $match stages that open the user's pipeline, a top-level $and taken apart, as mongod splits them. */
function leadingConditions(stages: Document[]): Document[] {
  const conditions: Document[] = [];
  const split = (filter: Document): Document[] =>
    Object.entries(filter).flatMap(([key, value]) =>
      key === '$and' && Array.isArray(value) && value.every(isPlainObject) ? (value as Document[]).flatMap(split) : [{ [key]: value }],
    );
  for (const stage of stages) {
    if (!isPlainObject(stage.$match)) break;
    conditions.push(...split(stage.$match));
  }
  return conditions;
}

/** Whether a condition may read one of `fields` of the event: by path, by `$field` expression, or through the whole event. */
function reads(condition: unknown, fields: string[]): boolean {
  const names = (path: string) => fields.some((f) => path === f || path.startsWith(`${f}.`));
  if (typeof condition === 'string') {
    return condition.startsWith('$$ROOT') || condition.startsWith('$$CURRENT') || (condition.startsWith('$') && names(condition.slice(1)));
  }
  if (Array.isArray(condition)) return condition.some((c) => reads(c, fields));
  if (!isPlainObject(condition)) return false;
  return Object.entries(condition).some(([key, value]) => names(key) || reads(value, fields));
}

/** The conditions that do not read `fields`, as one filter; undefined when there are none. */
function aheadOf(conditions: Document[], fields: string[]): Query | undefined {
  const ahead = conditions.filter((c) => !reads(c, fields));
  return ahead.length ? compileFilter({ $and: ahead }) : undefined;
}

function imagesOf(after: FullDocumentMode, before: BeforeChangeMode, stages: Document[]): Images {
  const images: Images = { after, before };
  if (before !== 'required' && after !== 'required') return images;
  const conditions = leadingConditions(stages);
  // mongod's post-image stage (there for any fullDocument but 'default') follows its pre-image stage,
  // so a condition gets ahead of the pre-image lookup only if it reads neither image.
  const lookedUp = after === 'default' ? ['fullDocumentBeforeChange'] : ['fullDocumentBeforeChange', 'fullDocument'];
  if (before === 'required') images.aheadOfPreImage = aheadOf(conditions, lookedUp);
  if (after === 'required') images.aheadOfPostImage = aheadOf(conditions, ['fullDocument']);
  return images;
}

function checkStagesAfter(stages: Document[]): void {
  for (const stage of stages) {
    const name = Object.keys(stage)[0] ?? '';
    if (name === '$changeStream') throw changeStreamNotFirst();
    if (name === '$changeStreamSplitLargeEvent') throw notSupported('The $changeStreamSplitLargeEvent stage');
    if (!STAGES_AFTER.has(name)) throw illegalOperation(`${name} is not permitted in a $changeStream pipeline`);
    if (name === '$match') compileFilter(stage.$match);
  }
}

/** Where a stream starts: after a resume token, at an operation time, or after the latest write. */
function startOf(oplog: Oplog, spec: Document, scope: Scope): Start {
  const given = ['resumeAfter', 'startAfter', 'startAtOperationTime'].filter((k) => spec[k] !== undefined);
  if (given.length > 1) throw location(40674, 'Only one type of resume option is allowed, but multiple were found.');
  const lost = oplog.lostThrough;

  if (spec.startAtOperationTime !== undefined) {
    const at = spec.startAtOperationTime;
    if (!(at instanceof Timestamp)) throw badValue("'startAtOperationTime' must be a timestamp");
    if (compareTs(at, oplog.startedAt) < 0 || (lost && compareTs(at, lost) <= 0)) throw changeStreamHistoryLost();
    const position = oplog.lastAtOrBefore(predecessor(at));
    const token = encodeToken({ ts: predecessor(at), event: false, fromInvalidate: false, instance: oplog.instance });
    return { position, token, skipBefore: at, invalidateAfterStart: false };
  }

  const token = spec.resumeAfter ?? spec.startAfter;
  if (token === undefined) {
    const latest = encodeToken({ ts: oplog.latestTs, event: false, fromInvalidate: false, instance: oplog.instance });
    return { position: oplog.lastSeq, token: latest, invalidateAfterStart: false };
  }
  const data = decodeToken(token);
  if (spec.resumeAfter !== undefined && data.fromInvalidate) {
    throw invalidResumeToken("Attempting to resume a change stream using 'resumeAfter' is not allowed from an invalidate notification.");
  }
  // A token of another server instance (an earlier run) names a history that is gone with it.
  if (!data.instance.equals(oplog.instance) || (lost && compareTs(data.ts, lost) < 0)) throw changeStreamHistoryLost();
  if (!data.event) return { position: oplog.lastAtOrBefore(data.ts), token: token as Document, invalidateAfterStart: false };
  if (lost && compareTs(data.ts, lost) === 0) return { position: oplog.oldestSeq - 1, token: token as Document, invalidateAfterStart: false };
  const seq = oplog.seqOf(data.ts);
  if (seq === undefined) throw changeStreamFatal(`cannot resume stream; the resume token was not found. ${JSON.stringify(token)}`);
  const effect = effectOf(scope, oplog.entry(seq) as OplogEntry);
  const endsStream = effect === 'eventThenInvalidate' || effect === 'invalidate';
  return { position: seq, token: token as Document, invalidateAfterStart: endsStream && !data.fromInvalidate };
}

/** Whether an aggregate's pipeline opens a change stream. */
export function opensChangeStream(pipeline: Document[]): boolean {
  const first = pipeline[0];
  return first !== undefined && Object.keys(first)[0] === '$changeStream';
}

/**
 * The change stream an aggregate `{ aggregate: target, pipeline: [{ $changeStream: spec }, …] }`
 * on `db` opens, and the namespace of its cursor.
 */
export function openChangeStream(store: Store, db: string, target: unknown, pipeline: Document[]): { stream: ChangeStream; ns: string } {
  const spec = (pipeline[0] as Document).$changeStream;
  if (!isPlainObject(spec)) throw location(50808, '$changeStream stage expects a document as argument');
  const { after, before } = checkSpec(spec);
  const { scope, ns } = scopeOf(db, target, spec);
  const stages = pipeline.slice(1);
  checkStagesAfter(stages);
  const images = imagesOf(after, before, stages);
  const compiled = stages.length ? aggregator(stages) : undefined;
  const stream = new ChangeStream(store, scope, compiled, images, startOf(store.oplog, spec, scope));
  return { stream, ns };
}
