import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type ChangeStream, type ChangeStreamDocument, type Collection, type Db, type Document, type MongoClient, type ResumeToken } from 'mongodb';
import { testDbName } from '@chirp/test-kit';
import { connect, take, watchFromNow } from './conformance-helpers';

type Event = ChangeStreamDocument<Document>;

const ENABLED = { changeStreamPreAndPostImages: { enabled: true } };
const noMatchingDocument = { code: 47, codeName: 'NoMatchingDocument' };

/** What a test needs of each event: its kind, its document's _id and the images it carries. */
const images = (events: Event[]) =>
  events.map((e) => {
    const event = e as Document;
    const out: Document = { op: event.operationType, _id: event.documentKey?._id };
    if ('fullDocument' in event) out.after = event.fullDocument;
    if ('fullDocumentBeforeChange' in event) out.before = event.fullDocumentBeforeChange;
    return out;
  });

/**
 * Pre- and post-images as mongod 7 records them for a collection with changeStreamPreAndPostImages
 * enabled, and as $changeStream's fullDocumentBeforeChange and fullDocument ('whenAvailable',
 * 'required') read them (jstests/change_streams/lookup_pre_image.js and
 * jstests/noPassthrough/change_stream_pre_and_post_images_options in mongod's sources).
 */
describe('change stream pre- and post-images through the driver', () => {
  let client: MongoClient;
  let db: Db;
  let coll: Collection<Document>;
  const dbName = testDbName();
  const streams: ChangeStream<Document, Event>[] = [];

  async function watch(target: Collection<Document> | Db, pipeline: Document[] = [], options = {}) {
    const stream = await watchFromNow(client, target, pipeline, options);
    streams.push(stream);
    return stream;
  }

  async function optionsOf(name: string): Promise<Document | undefined> {
    const [info] = await db.listCollections({ name }).toArray();
    return (info as { options?: Document } | undefined)?.options;
  }

  beforeAll(async () => {
    client = await connect();
    db = client.db(dbName);
  });

  beforeEach(async () => {
    for (const stream of streams.splice(0)) await stream.close();
    await db.dropDatabase();
    coll = db.collection('images');
  });

  afterAll(async () => {
    for (const stream of streams.splice(0)) await stream.close();
    await db.dropDatabase();
    await client.close();
  });

  it('when a collection is created with changeStreamPreAndPostImages, then listCollections reports the option only while it is enabled', async () => {
    await db.createCollection('on', ENABLED);
    await db.createCollection('off', { changeStreamPreAndPostImages: { enabled: false } });
    await db.createCollection('plain');
    expect(await optionsOf('on')).toEqual(ENABLED);
    expect(await optionsOf('off')).toEqual({});
    expect(await optionsOf('plain')).toEqual({});
    await db.command({ collMod: 'on', changeStreamPreAndPostImages: { enabled: false } });
    expect(await optionsOf('on')).toEqual({});
  });

  it('when collMod enables the option, then listCollections reports it; on a missing collection collMod fails with code 26', async () => {
    await coll.insertOne({ _id: 1 } as Document);
    expect(await optionsOf('images')).toEqual({});
    expect(await db.command({ collMod: 'images', ...ENABLED })).toMatchObject({ ok: 1 });
    expect(await optionsOf('images')).toEqual(ENABLED);
    await expect(db.command({ collMod: 'missing', ...ENABLED })).rejects.toMatchObject({ code: 26, codeName: 'NamespaceNotFound' });
    expect(await db.listCollections({ name: 'missing' }).toArray()).toEqual([]);
  });

  it('when the option is not a document { enabled: <bool> }, then create and collMod fail with the codes of mongod\'s command parser', async () => {
    await coll.insertOne({ _id: 1 } as Document);
    const bad: [unknown, number][] = [
      [true, 14],
      [{}, 40414],
      [{ enabled: 1 }, 14],
      [{ enabled: true, expireAfterSeconds: 10 }, 40415],
    ];
    for (const [option, code] of bad) {
      await expect(db.command({ create: 'other', changeStreamPreAndPostImages: option })).rejects.toMatchObject({ code });
      await expect(db.command({ collMod: 'images', changeStreamPreAndPostImages: option })).rejects.toMatchObject({ code });
    }
    expect(await db.listCollections({ name: 'other' }).toArray()).toEqual([]);
    expect(await optionsOf('images')).toEqual({});
  });

  it('when the option is enabled on the admin database, then create fails with code 72 InvalidOptions', async () => {
    const admin = client.db('admin');
    await expect(admin.command({ create: `${dbName}_images`, ...ENABLED })).rejects.toMatchObject({ code: 72, codeName: 'InvalidOptions' });
    expect(await admin.listCollections({ name: `${dbName}_images` }).toArray()).toEqual([]);
  });

  it('when the option is on, then with whenAvailable each update, replace and delete carries the document before it, last in the event', async () => {
    coll = await db.createCollection('images', ENABLED);
    const stream = await watch(coll, [], { fullDocumentBeforeChange: 'whenAvailable' });
    await coll.insertOne({ _id: 1, n: 0 } as Document);
    await coll.updateOne({ _id: 1 } as Document, { $inc: { n: 1 } });
    await coll.replaceOne({ _id: 1 } as Document, { r: true });
    await coll.deleteOne({ _id: 1 } as Document);
    const events = await take(stream, 4);
    expect(images(events)).toEqual([
      { op: 'insert', _id: 1, after: { _id: 1, n: 0 } },
      { op: 'update', _id: 1, before: { _id: 1, n: 0 } },
      { op: 'replace', _id: 1, after: { _id: 1, r: true }, before: { _id: 1, n: 1 } },
      { op: 'delete', _id: 1, before: { _id: 1, r: true } },
    ]);
    const head = ['_id', 'operationType', 'clusterTime', 'wallTime'];
    expect(events.map((e) => Object.keys(e))).toEqual([
      [...head, 'fullDocument', 'ns', 'documentKey'],
      [...head, 'ns', 'documentKey', 'updateDescription', 'fullDocumentBeforeChange'],
      [...head, 'fullDocument', 'ns', 'documentKey', 'fullDocumentBeforeChange'],
      [...head, 'ns', 'documentKey', 'fullDocumentBeforeChange'],
    ]);
  });

  it('when writes were made while the option was off, then their events carry a null pre-image, even after it is turned on', async () => {
    await coll.insertOne({ _id: 1, v: 'a' } as Document);
    const stream = await watch(coll, [], { fullDocumentBeforeChange: 'whenAvailable' });
    await coll.updateOne({ _id: 1 } as Document, { $set: { v: 'b' } });
    await db.command({ collMod: 'images', ...ENABLED });
    await coll.updateOne({ _id: 1 } as Document, { $set: { v: 'c' } });
    await db.command({ collMod: 'images', changeStreamPreAndPostImages: { enabled: false } });
    await coll.deleteOne({ _id: 1 } as Document);
    expect(images(await take(stream, 3))).toEqual([
      { op: 'update', _id: 1, before: null },
      { op: 'update', _id: 1, before: { _id: 1, v: 'b' } },
      { op: 'delete', _id: 1, before: null },
    ]);
  });

  it('when fullDocumentBeforeChange is off (the default), then no event carries it though the option is on', async () => {
    coll = await db.createCollection('images', ENABLED);
    const stream = await watch(coll);
    await coll.insertOne({ _id: 1 } as Document);
    await coll.updateOne({ _id: 1 } as Document, { $set: { x: 1 } });
    await coll.deleteOne({ _id: 1 } as Document);
    for (const event of await take(stream, 3)) expect(event).not.toHaveProperty('fullDocumentBeforeChange');
  });

  it('when fullDocumentBeforeChange is required and an event has no pre-image, then the stream fails with code 47 NoMatchingDocument', async () => {
    await coll.insertOne({ _id: 1 } as Document);
    const stream = await watch(coll, [], { fullDocumentBeforeChange: 'required' });
    await coll.insertOne({ _id: 2 } as Document);
    expect(images(await take(stream, 1))).toEqual([{ op: 'insert', _id: 2, after: { _id: 2 } }]);
    await coll.updateOne({ _id: 1 } as Document, { $set: { x: 1 } });
    await expect(stream.next()).rejects.toMatchObject(noMatchingDocument);
  });

  it('when fullDocumentBeforeChange is required and every event has its pre-image, then each carries it', async () => {
    coll = await db.createCollection('images', ENABLED);
    await coll.insertOne({ _id: 1, n: 1 } as Document);
    const stream = await watch(coll, [], { fullDocumentBeforeChange: 'required' });
    await coll.updateOne({ _id: 1 } as Document, { $inc: { n: 1 } });
    await coll.deleteOne({ _id: 1 } as Document);
    expect(images(await take(stream, 2))).toEqual([
      { op: 'update', _id: 1, before: { _id: 1, n: 1 } },
      { op: 'delete', _id: 1, before: { _id: 1, n: 2 } },
    ]);
  });

  it('when a database stream requires pre-images and its $match keeps only a collection that has them, then the others do not fail it', async () => {
    const withImages = await db.createCollection('with', ENABLED);
    const without = db.collection('without');
    const stream = await watch(db, [{ $match: { 'ns.coll': 'with' } }], { fullDocumentBeforeChange: 'required' });
    await without.insertOne({ _id: 1 } as Document);
    await withImages.insertOne({ _id: 1 } as Document);
    await without.updateOne({ _id: 1 } as Document, { $set: { x: 1 } });
    await withImages.updateOne({ _id: 1 } as Document, { $set: { x: 1 } });
    await without.deleteOne({ _id: 1 } as Document);
    await withImages.deleteOne({ _id: 1 } as Document);
    expect(images(await take(stream, 3))).toEqual([
      { op: 'insert', _id: 1, after: { _id: 1 } },
      { op: 'update', _id: 1, before: { _id: 1 } },
      { op: 'delete', _id: 1, before: { _id: 1, x: 1 } },
    ]);
    const unfiltered = await watch(db, [{ $match: { 'fullDocumentBeforeChange.x': 1 } }], { fullDocumentBeforeChange: 'required' });
    await without.insertOne({ _id: 2 } as Document);
    await without.deleteOne({ _id: 2 } as Document);
    await expect(unfiltered.next()).rejects.toMatchObject(noMatchingDocument);
  });

  it('when $match and $project follow $changeStream, then they read fullDocumentBeforeChange like any other field', async () => {
    coll = await db.createCollection('images', ENABLED);
    await coll.insertMany([{ _id: 1, status: 'draft' }, { _id: 2, status: 'live' }] as Document[]);
    const stream = await watch(
      coll,
      [{ $match: { 'fullDocumentBeforeChange.status': 'live' } }, { $project: { operationType: 1, was: '$fullDocumentBeforeChange.status' } }],
      { fullDocumentBeforeChange: 'whenAvailable' },
    );
    await coll.updateMany({}, { $set: { status: 'archived' } });
    await coll.deleteMany({});
    expect(await take(stream, 1)).toEqual([{ _id: { _data: expect.any(String) }, operationType: 'update', was: 'live' }]);
    await coll.insertOne({ _id: 3, status: 'live' } as Document);
    await coll.deleteOne({ _id: 3 } as Document);
    expect(await take(stream, 1)).toEqual([{ _id: { _data: expect.any(String) }, operationType: 'delete', was: 'live' }]);
  });

  it('when deleteMany, updateMany, findOneAndUpdate and a bulk write change documents, then each event carries its own document\'s pre-image', async () => {
    coll = await db.createCollection('images', ENABLED);
    await coll.insertMany([{ _id: 1, n: 1 }, { _id: 2, n: 2 }, { _id: 3, n: 3 }] as Document[]);
    const stream = await watch(coll, [], { fullDocumentBeforeChange: 'whenAvailable' });
    await coll.updateMany({}, { $inc: { n: 10 } });
    await coll.findOneAndUpdate({ _id: 1 } as Document, { $set: { n: 0 } });
    await coll.bulkWrite([{ updateOne: { filter: { _id: 2 } as Document, update: { $set: { n: 0 } } } }, { deleteOne: { filter: { _id: 3 } as Document } }]);
    await coll.deleteMany({});
    expect(images(await take(stream, 8))).toEqual([
      { op: 'update', _id: 1, before: { _id: 1, n: 1 } },
      { op: 'update', _id: 2, before: { _id: 2, n: 2 } },
      { op: 'update', _id: 3, before: { _id: 3, n: 3 } },
      { op: 'update', _id: 1, before: { _id: 1, n: 11 } },
      { op: 'update', _id: 2, before: { _id: 2, n: 12 } },
      { op: 'delete', _id: 3, before: { _id: 3, n: 13 } },
      { op: 'delete', _id: 1, before: { _id: 1, n: 0 } },
      { op: 'delete', _id: 2, before: { _id: 2, n: 0 } },
    ]);
  });

  it('when a stream resumes after a token, then the events after it still carry their pre-images', async () => {
    coll = await db.createCollection('images', ENABLED);
    const first = await watch(coll, [], { fullDocumentBeforeChange: 'whenAvailable' });
    for (let i = 0; i < 3; i++) await coll.insertOne({ _id: i, v: i } as Document);
    for (let i = 0; i < 3; i++) await coll.updateOne({ _id: i } as Document, { $set: { v: i + 10 } });
    const [token] = (await take(first, 4)).slice(3).map((e) => e._id as ResumeToken);
    await first.close();
    const resumed = coll.watch([], { resumeAfter: token, fullDocumentBeforeChange: 'required' });
    streams.push(resumed);
    await coll.deleteOne({ _id: 2 } as Document);
    expect(images(await take(resumed, 3))).toEqual([
      { op: 'update', _id: 1, before: { _id: 1, v: 1 } },
      { op: 'update', _id: 2, before: { _id: 2, v: 2 } },
      { op: 'delete', _id: 2, before: { _id: 2, v: 12 } },
    ]);
  });

  it('when fullDocument is whenAvailable, then an update carries the document as that update left it, or null when it was not recorded', async () => {
    await coll.insertOne({ _id: 1, n: 0 } as Document);
    const stream = await watch(coll, [], { fullDocument: 'whenAvailable' });
    await coll.updateOne({ _id: 1 } as Document, { $inc: { n: 1 } });
    await db.command({ collMod: 'images', ...ENABLED });
    await coll.updateOne({ _id: 1 } as Document, { $inc: { n: 1 } });
    await coll.updateOne({ _id: 1 } as Document, { $inc: { n: 1 } });
    await coll.replaceOne({ _id: 1 } as Document, { r: 1 });
    expect(images(await take(stream, 4))).toEqual([
      { op: 'update', _id: 1, after: null },
      { op: 'update', _id: 1, after: { _id: 1, n: 2 } },
      { op: 'update', _id: 1, after: { _id: 1, n: 3 } },
      { op: 'replace', _id: 1, after: { _id: 1, r: 1 } },
    ]);
  });

  it('when fullDocument is required and an update has no post-image, then the stream fails with code 47 NoMatchingDocument', async () => {
    await coll.insertOne({ _id: 1, n: 0 } as Document);
    const stream = await watch(coll, [], { fullDocument: 'required' });
    await coll.replaceOne({ _id: 1 } as Document, { n: 5 });
    expect(images(await take(stream, 1))).toEqual([{ op: 'replace', _id: 1, after: { _id: 1, n: 5 } }]);
    await coll.updateOne({ _id: 1 } as Document, { $inc: { n: 1 } });
    await expect(stream.next()).rejects.toMatchObject(noMatchingDocument);
  });
});
