import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  type ChangeStream,
  type ChangeStreamDocument,
  type Collection,
  type Db,
  type Document,
  type MongoClient,
  type ResumeToken,
  Timestamp,
} from 'mongodb';
import mongoose, { type Connection, Schema } from 'mongoose';
import { mongoUri, testDbName } from '@chirp/test-kit';
import { connect, take, watchFromNow } from './conformance-helpers';

type Event = ChangeStreamDocument<Document>;

/** The _id each event names, in order. */
const keys = (events: Event[]) => events.map((e) => ('documentKey' in e ? e.documentKey._id : e.operationType));

describe('change streams through the driver', () => {
  let client: MongoClient;
  let db: Db;
  let coll: Collection<Document>;
  const dbName = testDbName();
  const streams: ChangeStream<Document, Event>[] = [];

  /** A stream from now, closed after the test. */
  async function watch(target: Collection<Document> | Db, pipeline: Document[] = [], options = {}) {
    const stream = await watchFromNow(client, target, pipeline, options);
    streams.push(stream);
    return stream;
  }

  /** A stream opened with explicit options (resumeAfter, startAfter...), closed after the test. */
  function open(target: Collection<Document> | Db, options: Document, pipeline: Document[] = []) {
    const stream = (target as Collection<Document>).watch(pipeline, options);
    streams.push(stream);
    return stream;
  }

  beforeAll(async () => {
    client = await connect();
    db = client.db(dbName);
  });

  beforeEach(async () => {
    for (const stream of streams.splice(0)) await stream.close();
    await db.dropDatabase();
    coll = db.collection('events');
  });

  afterAll(async () => {
    for (const stream of streams.splice(0)) await stream.close();
    await db.dropDatabase();
    await client.close();
  });

  it('when a document is inserted, updated, replaced and deleted, then collection.watch() delivers each event as mongod shapes it', async () => {
    const stream = await watch(coll);
    await coll.insertOne({ _id: 1, a: 1, s: 'x', nested: { k: 1 } } as Document);
    await coll.updateOne({ _id: 1 } as Document, { $set: { 'nested.k': 2, b: true }, $inc: { a: 1 }, $unset: { s: '' } });
    await coll.replaceOne({ _id: 1 } as Document, { r: 1 });
    await coll.deleteOne({ _id: 1 } as Document);
    const [inserted, updated, replaced, deleted] = await take(stream, 4);
    const ns = { db: dbName, coll: 'events' };
    const head = { _id: { _data: expect.any(String) }, clusterTime: expect.any(Timestamp), wallTime: expect.any(Date), ns, documentKey: { _id: 1 } };
    expect(inserted).toEqual({ ...head, operationType: 'insert', fullDocument: { _id: 1, a: 1, s: 'x', nested: { k: 1 } } });
    expect(updated).toEqual({
      ...head,
      operationType: 'update',
      updateDescription: { updatedFields: { 'nested.k': 2, b: true, a: 2 }, removedFields: ['s'], truncatedArrays: [] },
    });
    expect(replaced).toEqual({ ...head, operationType: 'replace', fullDocument: { _id: 1, r: 1 } });
    expect(deleted).toEqual({ ...head, operationType: 'delete' });
  });

  it('when events are read, then their cluster times and resume tokens grow in the order of the writes', async () => {
    const stream = await watch(coll);
    for (let i = 0; i < 5; i++) await coll.insertOne({ _id: i } as Document);
    const events = await take(stream, 5);
    expect(keys(events)).toEqual([0, 1, 2, 3, 4]);
    for (let i = 1; i < events.length; i++) {
      const [a, b] = [events[i - 1] as Event, events[i] as Event];
      expect((a as { clusterTime: Timestamp }).clusterTime.lessThan((b as { clusterTime: Timestamp }).clusterTime)).toBe(true);
      expect((a._id as { _data: string })._data < (b._id as { _data: string })._data).toBe(true);
    }
  });

  it('when an update adds to an array, renames and sets a new nested field, then updateDescription names each path as mongod does', async () => {
    await coll.insertOne({ _id: 1, tags: ['a'], old: 1, list: [1, 2, 3] } as Document);
    const stream = await watch(coll);
    const update: Document = { $push: { tags: { $each: ['b', 'c'] } }, $rename: { old: 'renamed' }, $set: { 'fresh.deep': 1 } };
    await coll.updateOne({ _id: 1 } as Document, update);
    await coll.updateOne({ _id: 1 } as Document, { $pop: { list: 1 } });
    const [first, second] = await take(stream, 2);
    expect(first).toMatchObject({
      operationType: 'update',
      updateDescription: { updatedFields: { 'tags.1': 'b', 'tags.2': 'c', renamed: 1, fresh: { deep: 1 } }, removedFields: ['old'], truncatedArrays: [] },
    });
    expect(second).toMatchObject({ updateDescription: { updatedFields: { list: [1, 2] }, removedFields: [], truncatedArrays: [] } });
  });

  it('when fullDocument is updateLookup, then an update event carries the document as it is when the event is read', async () => {
    await coll.insertOne({ _id: 1, n: 0 } as Document);
    const stream = await watch(coll, [], { fullDocument: 'updateLookup' });
    await coll.updateOne({ _id: 1 } as Document, { $inc: { n: 1 } });
    await coll.updateOne({ _id: 1 } as Document, { $inc: { n: 1 } });
    const [first, second] = await take(stream, 2);
    expect(first).toMatchObject({ operationType: 'update', fullDocument: { _id: 1, n: 2 }, updateDescription: { updatedFields: { n: 1 } } });
    expect(second).toMatchObject({ operationType: 'update', fullDocument: { _id: 1, n: 2 }, updateDescription: { updatedFields: { n: 2 } } });
    await coll.updateOne({ _id: 1 } as Document, { $inc: { n: 1 } });
    await coll.deleteOne({ _id: 1 } as Document);
    const [gone] = await take(stream, 1);
    expect(gone).toMatchObject({ operationType: 'update', fullDocument: null });
  });

  it('when a database is watched, then the writes of each of its collections arrive in order, named by ns, and no other database is seen', async () => {
    const other = client.db(testDbName('other'));
    const stream = await watch(db);
    try {
      await db.collection('a').insertOne({ _id: 'a1' } as Document);
      await other.collection('a').insertOne({ _id: 'elsewhere' } as Document);
      await db.collection('b').insertOne({ _id: 'b1' } as Document);
      await db.collection('a').deleteOne({ _id: 'a1' } as Document);
      const events = await take(stream, 3);
      expect(events.map((e) => [e.operationType, (e as { ns: Document }).ns, keys([e])[0]])).toEqual([
        ['insert', { db: dbName, coll: 'a' }, 'a1'],
        ['insert', { db: dbName, coll: 'b' }, 'b1'],
        ['delete', { db: dbName, coll: 'a' }, 'a1'],
      ]);
    } finally {
      await other.dropDatabase();
    }
  });

  it('when $match follows $changeStream, then only the events it matches arrive', async () => {
    const stream = await watch(coll, [{ $match: { operationType: 'insert', 'fullDocument.keep': true } }]);
    await coll.insertMany([{ _id: 1, keep: true }, { _id: 2, keep: false }, { _id: 3, keep: true }] as Document[]);
    await coll.updateOne({ _id: 1 } as Document, { $set: { x: 1 } });
    await coll.insertOne({ _id: 4, keep: true } as Document);
    expect(keys(await take(stream, 3))).toEqual([1, 3, 4]);
  });

  it('when $project, $addFields, $set and $unset follow $changeStream, then each event is reshaped by them', async () => {
    const projected = await watch(coll, [{ $project: { operationType: 1, documentKey: 1 } }]);
    const added = await watch(coll, [{ $addFields: { tag: 'seen' } }, { $set: { kind: '$operationType' } }, { $unset: ['fullDocument', 'wallTime'] }]);
    await coll.insertOne({ _id: 1, body: 'x' } as Document);
    const [p] = await take(projected, 1);
    expect(p).toEqual({ _id: { _data: expect.any(String) }, operationType: 'insert', documentKey: { _id: 1 } });
    const [a] = await take(added, 1);
    expect(a).toMatchObject({ operationType: 'insert', tag: 'seen', kind: 'insert', documentKey: { _id: 1 } });
    expect(a).not.toHaveProperty('fullDocument');
    expect(a).not.toHaveProperty('wallTime');
  });

  it('when $replaceRoot or $replaceWith keep the event _id, then events arrive in their new shape', async () => {
    const root = await watch(coll, [{ $replaceRoot: { newRoot: { _id: '$_id', key: '$documentKey._id' } } }]);
    const withStage = await watch(coll, [{ $replaceWith: { _id: '$_id', op: '$operationType' } }]);
    await coll.insertOne({ _id: 7 } as Document);
    expect(await take(root, 1)).toEqual([{ _id: { _data: expect.any(String) }, key: 7 }]);
    expect(await take(withStage, 1)).toEqual([{ _id: { _data: expect.any(String) }, op: 'insert' }]);
  });

  it('when a stage removes the event _id (the resume token), then the stream fails with code 280 ChangeStreamFatalError', async () => {
    const stream = await watch(coll, [{ $project: { _id: 0 } }]);
    await coll.insertOne({ _id: 1 } as Document);
    await expect(stream.next()).rejects.toMatchObject({ code: 280 });
  });

  it('when a stage that cannot follow $changeStream is given, then watch fails with code 20 IllegalOperation', async () => {
    const stream = await watch(coll, [{ $group: { _id: '$operationType' } }]);
    await expect(stream.next()).rejects.toMatchObject({ code: 20 });
  });

  it('when a stream is resumed after an event, then it sees exactly the events after that one', async () => {
    const first = await watch(coll);
    for (let i = 0; i < 5; i++) await coll.insertOne({ _id: i } as Document);
    const events = await take(first, 5);
    const resumed = open(coll, { resumeAfter: (events[1] as Event)._id });
    const started = open(coll, { startAfter: (events[1] as Event)._id });
    expect(keys(await take(resumed, 3))).toEqual([2, 3, 4]);
    expect(keys(await take(started, 3))).toEqual([2, 3, 4]);
    await coll.insertOne({ _id: 5 } as Document);
    expect(keys(await take(resumed, 1))).toEqual([5]);
  });

  it('when a stream starts at an operation time, then it sees the write made at that time and every later one', async () => {
    const session = client.startSession();
    try {
      await coll.insertOne({ _id: 1 } as Document, { session });
      await coll.insertOne({ _id: 2 } as Document, { session });
      const at = session.operationTime as Timestamp;
      await coll.insertOne({ _id: 3 } as Document, { session });
      const stream = open(coll, { startAtOperationTime: at });
      expect(keys(await take(stream, 2))).toEqual([2, 3]);
    } finally {
      await session.endSession();
    }
  });

  it('when a consumer stops for a while and resumes from its saved token, then it loses nothing and repeats nothing', async () => {
    const consumer = await watch(coll);
    for (let i = 0; i < 5; i++) await coll.insertOne({ _id: i } as Document);
    expect(keys(await take(consumer, 3))).toEqual([0, 1, 2]);
    const saved = consumer.resumeToken as ResumeToken;
    await consumer.close();
    for (let i = 5; i < 25; i++) await coll.insertOne({ _id: i } as Document);
    const resumed = open(coll, { resumeAfter: saved });
    expect(keys(await take(resumed, 22))).toEqual(Array.from({ length: 22 }, (_, i) => i + 3));
  });

  it('when 10 clients write 1,000 documents in parallel, then one stream gets every write exactly once, in the server order', async () => {
    const stream = await watch(coll, [], { batchSize: 200 });
    const byDb = await watch(db, [], { batchSize: 200 });
    const writers = await Promise.all(Array.from({ length: 10 }, () => connect()));
    try {
      await Promise.all(
        writers.map(async (writer, c) => {
          const target = writer.db(dbName).collection('events');
          for (let n = 0; n < 100; n++) await target.insertOne({ _id: `${c}-${n}`, c, n } as Document);
        }),
      );
    } finally {
      await Promise.all(writers.map((w) => w.close()));
    }
    const events = (await take(stream, 1000)) as (Event & { clusterTime: Timestamp; fullDocument: Document })[];
    expect(new Set(keys(events)).size).toBe(1000);
    for (let i = 1; i < events.length; i++) expect(events[i - 1]?.clusterTime.lessThan(events[i]?.clusterTime as Timestamp)).toBe(true);
    for (let c = 0; c < 10; c++) {
      expect(events.filter((e) => e.fullDocument.c === c).map((e) => e.fullDocument.n)).toEqual(Array.from({ length: 100 }, (_, n) => n));
    }
    expect(keys(await take(byDb, 1000))).toEqual(keys(events));
  });

  it('when a write is refused for a duplicate key, then it emits nothing; an ordered batch emits only what it inserted', async () => {
    await coll.createIndex({ email: 1 }, { unique: true });
    const stream = await watch(coll);
    await coll.insertOne({ _id: 'a', email: 'a@x' } as Document);
    await expect(coll.insertOne({ _id: 'dup', email: 'a@x' } as Document)).rejects.toMatchObject({ code: 11000 });
    await expect(coll.insertMany([{ _id: 'b', email: 'b@x' }, { _id: 'dup2', email: 'a@x' }, { _id: 'c', email: 'c@x' }] as Document[])).rejects.toMatchObject({ code: 11000 });
    await expect(coll.updateOne({ _id: 'b' } as Document, { $set: { email: 'a@x' } })).rejects.toMatchObject({ code: 11000 });
    await coll.insertOne({ _id: 'marker' } as Document);
    expect(keys(await take(stream, 3))).toEqual(['a', 'b', 'marker']);
  });

  it('when one command changes several documents, then each document changed emits its own event and an unchanged one none', async () => {
    await coll.insertMany([{ _id: 1, v: 0 }, { _id: 2, v: 0 }, { _id: 3, v: 1 }, { _id: 4, v: 0 }] as Document[]);
    const stream = await watch(coll);
    await coll.updateMany({}, { $set: { v: 1 } });
    await coll.deleteMany({ _id: { $in: [1, 2] } } as Document);
    await coll.insertOne({ _id: 'marker' } as Document);
    const events = await take(stream, 6);
    expect(events.map((e) => [e.operationType, keys([e])[0]])).toEqual([
      ['update', 1],
      ['update', 2],
      ['update', 4],
      ['delete', 1],
      ['delete', 2],
      ['insert', 'marker'],
    ]);
  });

  it('when the watched collection is dropped, then drop and invalidate arrive, and startAfter the invalidate sees the next collection', async () => {
    await coll.insertOne({ _id: 1 } as Document);
    const stream = await watch(coll);
    await coll.drop();
    const [dropped, invalidated] = await take(stream, 2);
    expect(dropped).toMatchObject({ _id: { _data: expect.any(String) }, operationType: 'drop', clusterTime: expect.any(Timestamp), ns: { db: dbName, coll: 'events' } });
    expect(dropped).not.toHaveProperty('documentKey');
    expect(invalidated).toMatchObject({ _id: { _data: expect.any(String) }, operationType: 'invalidate', clusterTime: expect.any(Timestamp) });
    expect(invalidated).not.toHaveProperty('ns');
    await expect(open(coll, { resumeAfter: (invalidated as Event)._id }).next()).rejects.toMatchObject({ code: 260 });
    const after = open(coll, { startAfter: (invalidated as Event)._id });
    await coll.insertOne({ _id: 'again' } as Document);
    expect(keys(await take(after, 1))).toEqual(['again']);
  });

  it('when a watched database is dropped, then each collection drop, dropDatabase and invalidate arrive', async () => {
    await db.collection('a').insertOne({ _id: 1 } as Document);
    const stream = await watch(db);
    await db.dropDatabase();
    const events = await take(stream, 3);
    expect(events.map((e) => [e.operationType, (e as { ns?: Document }).ns])).toEqual([
      ['drop', { db: dbName, coll: 'a' }],
      ['dropDatabase', { db: dbName }],
      ['invalidate', undefined],
    ]);
  });

  it('when a getMore waits with a long maxAwaitTimeMS, then it answers as soon as a write arrives', async () => {
    const watcher = await connect({ monitorCommands: true });
    try {
      const getMoreSent = new Promise<void>((resolve) => watcher.on('commandStarted', (e) => e.commandName === 'getMore' && resolve()));
      const stream = await watchFromNow(watcher, watcher.db(dbName).collection('events'), [], { maxAwaitTimeMS: 10 * 60_000 });
      const next = stream.next();
      await getMoreSent;
      await coll.insertOne({ _id: 'arrives' } as Document);
      expect(keys([await next])).toEqual(['arrives']);
      await stream.close();
    } finally {
      await watcher.close();
    }
  });
});

describe('change streams through mongoose', () => {
  let conn: Connection;
  const dbName = testDbName('mongoose');

  beforeAll(async () => {
    conn = await mongoose.createConnection(mongoUri(), { dbName, serverSelectionTimeoutMS: 5000 }).asPromise();
    await conn.dropDatabase();
  });

  afterAll(async () => {
    await conn.dropDatabase();
    await conn.close();
  });

  it('when a model is watched and documents are created and updated, then Model.watch() delivers the events', async () => {
    const Note = conn.model('Note', new Schema({ text: String, n: { type: Number, default: 0 } }));
    await Note.init();
    const { operationTime } = (await conn.db?.admin().command({ ping: 1 })) as { operationTime: Timestamp };
    const watched = Note.watch([{ $match: { operationType: { $in: ['insert', 'update'] } } }], {
      fullDocument: 'updateLookup',
      startAtOperationTime: new Timestamp({ t: operationTime.t, i: operationTime.i + 1 }),
    });
    try {
      const note = await Note.create({ text: 'hi' });
      await Note.updateOne({ _id: note._id }, { $inc: { n: 1 } });
      const inserted = await watched.next();
      const updated = await watched.next();
      expect(inserted).toMatchObject({ operationType: 'insert', fullDocument: { _id: note._id, text: 'hi', n: 0 } });
      expect(updated).toMatchObject({ operationType: 'update', fullDocument: { _id: note._id, text: 'hi', n: 1 } });
    } finally {
      await watched.close();
    }
  });
});
