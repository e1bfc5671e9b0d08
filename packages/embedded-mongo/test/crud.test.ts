import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type Collection, type Document, type MongoClient, ObjectId } from 'mongodb';
import { testDbName } from '@chirp/test-kit';
import { connect } from './conformance-helpers';

describe('CRUD commands through the driver', () => {
  let client: MongoClient;
  let coll: Collection<Document>;
  const dbName = testDbName();

  beforeAll(async () => {
    client = await connect();
  });

  beforeEach(async () => {
    await client.db(dbName).dropDatabase();
    coll = client.db(dbName).collection('items');
  });

  afterAll(async () => {
    await client.db(dbName).dropDatabase();
    await client.close();
  });

  it('when a cursor with batchSize 2 runs over 7 documents, then getMore returns all 7 in order', async () => {
    await coll.insertMany(Array.from({ length: 7 }, (_, i) => ({ _id: i, n: i })) as Document[]);
    const cursor = coll.find({}, { batchSize: 2 }).sort({ n: 1 });
    const seen: number[] = [];
    for await (const doc of cursor) seen.push(doc.n as number);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('when a find has filter, sort, projection, skip and limit, then mongod\'s page comes back with _id first', async () => {
    await coll.insertMany(Array.from({ length: 10 }, (_, i) => ({ _id: i, n: i % 5, name: `n${i}`, extra: true })) as Document[]);
    const docs = await coll
      .find({ n: { $gte: 1 } }, { projection: { name: 1, n: 1 } })
      .sort({ n: -1, _id: 1 })
      .skip(1)
      .limit(3)
      .toArray();
    expect(docs).toEqual([
      { _id: 9, n: 4, name: 'n9' },
      { _id: 3, n: 3, name: 'n3' },
      { _id: 8, n: 3, name: 'n8' },
    ]);
    expect(Object.keys(docs[0] as Document)).toEqual(['_id', 'n', 'name']);
  });

  it('when documents are read back, then their stored field order and BSON types are kept', async () => {
    const id = new ObjectId();
    const at = new Date('2024-01-02T03:04:05.000Z');
    await coll.insertOne({ z: 1, _id: id, a: { y: 2, b: [at, 'x'] } });
    const doc = await coll.findOne({ _id: id });
    expect(Object.keys(doc as Document)).toEqual(['_id', 'z', 'a']);
    expect(doc?._id).toBeInstanceOf(ObjectId);
    expect(doc?.a).toEqual({ y: 2, b: [at, 'x'] });
  });

  it('when updateMany runs, then every match changes and counts are reported', async () => {
    await coll.insertMany([{ k: 'a', v: 1 }, { k: 'a', v: 2 }, { k: 'b', v: 3 }]);
    const res = await coll.updateMany({ k: 'a' }, { $inc: { v: 10 } });
    expect(res).toMatchObject({ matchedCount: 2, modifiedCount: 2, upsertedCount: 0 });
    expect((await coll.find({}, { projection: { _id: 0 } }).sort({ v: 1 }).toArray()).map((d) => d.v)).toEqual([3, 11, 12]);
  });

  it('when an update sets a value a document already has, then it matches but does not modify', async () => {
    await coll.insertOne({ _id: 1, v: 1 } as Document);
    expect(await coll.updateOne({ _id: 1 } as Document, { $set: { v: 1 } })).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
  });

  it('when an upsert matches nothing, then it inserts the filter equalities plus $setOnInsert and reports the id', async () => {
    const res = await coll.updateOne(
      { email: 'a@b.c', age: { $gt: 3 } },
      { $set: { name: 'A' }, $setOnInsert: { createdBy: 'upsert' } },
      { upsert: true },
    );
    expect(res.upsertedCount).toBe(1);
    const doc = await coll.findOne({ _id: res.upsertedId as ObjectId });
    expect(doc).toEqual({ _id: res.upsertedId, email: 'a@b.c', name: 'A', createdBy: 'upsert' });
    await coll.updateOne({ email: 'a@b.c' }, { $set: { name: 'B' }, $setOnInsert: { createdBy: 'again' } }, { upsert: true });
    expect(await coll.findOne({ email: 'a@b.c' }, { projection: { _id: 0 } })).toEqual({ email: 'a@b.c', name: 'B', createdBy: 'upsert' });
  });

  it('when an update uses the positional $ and arrayFilters, then only the addressed elements change', async () => {
    await coll.insertOne({ _id: 1, items: [{ k: 1, v: 0 }, { k: 2, v: 0 }, { k: 3, v: 0 }] } as Document);
    await coll.updateOne({ _id: 1, 'items.k': 2 } as Document, { $set: { 'items.$.v': 'pos' } });
    await coll.updateOne({ _id: 1 } as Document, { $set: { 'items.$[e].v': 'af' } }, { arrayFilters: [{ 'e.k': { $gte: 3 } }] });
    expect((await coll.findOne({ _id: 1 } as Document))?.items).toEqual([{ k: 1, v: 0 }, { k: 2, v: 'pos' }, { k: 3, v: 'af' }]);
  });

  it('when $inc or $mul meets a field holding a non-number, then it fails with code 14 TypeMismatch and changes nothing', async () => {
    await coll.insertOne({ _id: 1, s: 'text', z: null, n: 1 } as Document);
    await expect(coll.updateOne({ _id: 1 } as Document, { $inc: { s: 1, n: 1 } })).rejects.toMatchObject({
      code: 14,
      message: "Cannot apply $inc to a value of non-numeric type. {_id: 1} has the field 's' of non-numeric type string",
    });
    await expect(coll.updateOne({ _id: 1 } as Document, { $mul: { z: 2 } })).rejects.toMatchObject({
      code: 14,
      message: "Cannot apply $mul to a value of non-numeric type. {_id: 1} has the field 'z' of non-numeric type null",
    });
    await expect(coll.findOneAndUpdate({ _id: 1 } as Document, { $inc: { s: 1 } })).rejects.toMatchObject({ code: 14 });
    await expect(coll.updateOne({ _id: 1 } as Document, { $inc: { n: 'x' as never } })).rejects.toMatchObject({
      code: 14,
      message: 'Cannot increment with non-numeric argument: {n: "x"}',
    });
    expect(await coll.findOne({ _id: 1 } as Document)).toEqual({ _id: 1, s: 'text', z: null, n: 1 });
  });

  it('when $inc reaches array elements through $ or arrayFilters, then only the elements it addresses are type-checked', async () => {
    await coll.insertOne({ _id: 1, items: [{ k: 1, n: 'one' }, { k: 2, n: 2 }] } as Document);
    await coll.updateOne({ _id: 1, 'items.k': 2 } as Document, { $inc: { 'items.$.n': 1 } });
    await coll.updateOne({ _id: 1 } as Document, { $inc: { 'items.$[e].n': 1 } }, { arrayFilters: [{ 'e.k': 2 }] });
    await expect(coll.updateOne({ _id: 1, 'items.k': 1 } as Document, { $inc: { 'items.$.n': 1 } })).rejects.toMatchObject({
      code: 14,
      message: "Cannot apply $inc to a value of non-numeric type. {_id: 1} has the field 'n' of non-numeric type string",
    });
    expect((await coll.findOne({ _id: 1 } as Document))?.items).toEqual([{ k: 1, n: 'one' }, { k: 2, n: 4 }]);
  });

  it('when an inclusion projection lists fields in another order than stored, then the stored order is kept, _id first, computed fields last', async () => {
    await coll.insertOne({ z: 1, _id: 1, a: 2, m: { y: 1, x: 2 }, b: 3 } as Document);
    const found = await coll.findOne({ _id: 1 } as Document, { projection: { c: { $literal: 5 }, b: 1, a: 1, 'm.x': 1, 'm.y': 1, z: 1 } });
    expect(Object.keys(found as Document)).toEqual(['_id', 'z', 'a', 'm', 'b', 'c']);
    expect(Object.keys(found?.m as Document)).toEqual(['y', 'x']);
    const modified = await coll.findOneAndUpdate({ _id: 1 } as Document, { $set: { b: 4 } }, { projection: { b: 1, z: 1 }, returnDocument: 'after' });
    expect(Object.keys(modified as Document)).toEqual(['_id', 'z', 'b']);
  });

  it('when an update tries to change _id, then it fails with code 66 ImmutableField', async () => {
    await coll.insertOne({ _id: 1 } as Document);
    await expect(coll.updateOne({ _id: 1 } as Document, { $set: { _id: 2 } })).rejects.toMatchObject({ code: 66 });
  });

  it('when deleteOne and deleteMany run, then one and then all matches are removed', async () => {
    await coll.insertMany([{ k: 1 }, { k: 1 }, { k: 1 }, { k: 2 }]);
    expect((await coll.deleteOne({ k: 1 })).deletedCount).toBe(1);
    expect((await coll.deleteMany({ k: 1 })).deletedCount).toBe(2);
    expect(await coll.countDocuments()).toBe(1);
  });

  it('when findOneAndUpdate runs with returnDocument after, upsert and sort, then it returns the right version', async () => {
    await coll.insertMany([{ _id: 1, g: 'x', n: 1 }, { _id: 2, g: 'x', n: 2 }] as Document[]);
    const before = await coll.findOneAndUpdate({ g: 'x' }, { $inc: { n: 100 } }, { sort: { n: -1 }, returnDocument: 'before' });
    expect(before).toEqual({ _id: 2, g: 'x', n: 2 });
    const after = await coll.findOneAndUpdate({ g: 'x' }, { $inc: { n: 1 } }, { sort: { n: 1 }, returnDocument: 'after', projection: { n: 1 } });
    expect(after).toEqual({ _id: 1, n: 2 });
    const upserted = await coll.findOneAndUpdate({ g: 'new' }, { $inc: { n: 1 } }, { upsert: true, returnDocument: 'after', includeResultMetadata: true });
    expect(upserted.lastErrorObject).toMatchObject({ n: 1, updatedExisting: false, upserted: expect.any(ObjectId) });
    expect(upserted.value).toMatchObject({ g: 'new', n: 1 });
    const none = await coll.findOneAndUpdate({ g: 'nothing' }, { $inc: { n: 1 } });
    expect(none).toBeNull();
  });

  it('when findOneAndDelete and findOneAndReplace run, then the document is removed or replaced', async () => {
    await coll.insertMany([{ _id: 1, n: 1 }, { _id: 2, n: 2 }] as Document[]);
    expect(await coll.findOneAndDelete({ n: 1 })).toEqual({ _id: 1, n: 1 });
    expect(await coll.findOneAndReplace({ n: 2 }, { m: 3 }, { returnDocument: 'after' })).toEqual({ _id: 2, m: 3 });
    expect(await coll.countDocuments()).toBe(1);
  });

  it('when count and distinct run, then they answer as mongod does', async () => {
    await coll.insertMany([{ t: ['a', 'b'], n: 1 }, { t: ['b', 'c'], n: 2 }, { t: 'd', n: 3 }]);
    expect(await coll.countDocuments({ n: { $gt: 1 } })).toBe(2);
    expect(await coll.countDocuments({}, { skip: 1, limit: 5 })).toBe(2);
    expect(await coll.estimatedDocumentCount()).toBe(3);
    expect(await coll.distinct('t')).toEqual(['a', 'b', 'c', 'd']);
    expect(await coll.distinct('t', { n: { $lt: 3 } })).toEqual(['a', 'b', 'c']);
  });

  it('when a filter uses an unknown operator, then the command fails with code 2 BadValue', async () => {
    await coll.insertOne({ a: 1 });
    await expect(coll.find({ a: { $definitelyNotAnOperator: 1 } } as Document).toArray()).rejects.toMatchObject({ code: 2 });
  });

  it('when a getMore names an unknown cursor, then it fails with code 43 CursorNotFound', async () => {
    await expect(
      client.db(dbName).command({ getMore: 123456789 as never, collection: 'items' }),
    ).rejects.toMatchObject({ code: 43 });
  });

  it('when killCursors closes an open cursor, then it is reported killed', async () => {
    await coll.insertMany(Array.from({ length: 5 }, (_, i) => ({ i })));
    const res = await client.db(dbName).command({ find: 'items', batchSize: 1 });
    const id = res.cursor.id;
    const killed = await client.db(dbName).command({ killCursors: 'items', cursors: [id] });
    expect(killed.cursorsKilled.map(String)).toEqual([String(id)]);
  });

  it('when create and drop run, then the collection appears and disappears; creating twice fails with 48', async () => {
    await client.db(dbName).createCollection('made');
    await expect(client.db(dbName).createCollection('made')).rejects.toMatchObject({ code: 48 });
    expect(await client.db(dbName).collection('made').drop()).toBe(true);
    const names = (await client.db(dbName).listCollections().toArray()).map((c) => c.name);
    expect(names).not.toContain('made');
  });
});
