import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type Collection, type Document, MongoBulkWriteError, type MongoClient } from 'mongodb';
import { testDbName } from '@chirp/test-kit';
import { connect } from './conformance-helpers';

describe('indexes and unique constraints', () => {
  let client: MongoClient;
  let users: Collection<Document>;
  const dbName = testDbName();

  beforeAll(async () => {
    client = await connect();
  });

  beforeEach(async () => {
    await client.db(dbName).dropDatabase();
    users = client.db(dbName).collection('users');
    await users.createIndex({ email: 1 }, { unique: true });
  });

  afterAll(async () => {
    await client.db(dbName).dropDatabase();
    await client.close();
  });

  const snapshot = () => users.find({}).sort({ _id: 1 }).toArray();

  it('when createIndexes and listIndexes run, then the index is listed with key, name and options', async () => {
    await users.createIndex({ handle: 1, createdAt: -1 }, { name: 'handle_time' });
    const indexes = await users.listIndexes().toArray();
    expect(indexes).toEqual([
      { v: 2, key: { _id: 1 }, name: '_id_' },
      { v: 2, key: { email: 1 }, name: 'email_1', unique: true },
      { v: 2, key: { handle: 1, createdAt: -1 }, name: 'handle_time' },
    ]);
    expect(await users.createIndex({ email: 1 }, { unique: true })).toBe('email_1');
  });

  it('when a filter gives every field of a unique compound index, then it finds, updates and upserts by that key exactly as a scan would', async () => {
    const edges = client.db(dbName).collection('edges');
    await edges.createIndex({ from: 1, to: 1 }, { unique: true });
    await edges.insertMany([
      { from: 1, to: 2, n: 'a' },
      { from: 1, to: 3, n: 'b' },
      { from: 2, to: [4, 5], n: 'c' },
      { from: 3, n: 'd' },
    ]);
    const names = async (filter: Document) => (await edges.find(filter).toArray()).map((doc) => doc.n);
    expect(await names({ from: 1, to: 3 })).toEqual(['b']);
    expect(await names({ from: 1, to: { $eq: 2 } })).toEqual(['a']);
    expect(await names({ from: 2, to: 5 })).toEqual(['c']);
    expect(await names({ from: 1, to: 4 })).toEqual([]);
    expect(await names({ from: 1, to: 3, n: 'other' })).toEqual([]);
    expect(await names({ from: 3, to: null })).toEqual(['d']);
    await edges.updateOne({ from: 1, to: 3 }, { $setOnInsert: { n: 'new' }, $set: { seen: true } }, { upsert: true });
    await edges.updateOne({ from: 9, to: 9 }, { $setOnInsert: { n: 'inserted' } }, { upsert: true });
    expect(await names({ from: 1, to: 3, seen: true })).toEqual(['b']);
    expect(await names({ from: 9, to: 9 })).toEqual(['inserted']);
    expect(await edges.countDocuments()).toBe(5);
  });

  it('when dropIndexes runs, then the index goes; the _id index cannot be dropped; an unknown one fails with 27', async () => {
    await users.createIndex({ x: 1 });
    await users.dropIndex('x_1');
    expect((await users.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'email_1']);
    await expect(users.dropIndex('_id_')).rejects.toMatchObject({ code: 72 });
    await expect(users.dropIndex('nope_1')).rejects.toMatchObject({ code: 27 });
    await expect(client.db(dbName).collection('missing').listIndexes().toArray()).rejects.toMatchObject({ code: 26 });
  });

  it('when an insert duplicates a unique key, then it fails with 11000, keyPattern, keyValue and mongod\'s errmsg', async () => {
    await users.insertOne({ email: 'a@b.c' });
    const err = await users.insertOne({ email: 'a@b.c' }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 11000,
      keyPattern: { email: 1 },
      keyValue: { email: 'a@b.c' },
      errmsg: `E11000 duplicate key error collection: ${dbName}.users index: email_1 dup key: { email: "a@b.c" }`,
    });
  });

  it('when a unique insert fails, then the collection is left unchanged', async () => {
    await users.insertMany([{ _id: 1, email: 'a' }, { _id: 2, email: 'b' }] as Document[]);
    const before = await snapshot();
    await expect(users.insertOne({ _id: 3, email: 'a' } as Document)).rejects.toMatchObject({ code: 11000 });
    await expect(users.insertOne({ _id: 1, email: 'z' } as Document)).rejects.toMatchObject({ code: 11000, keyPattern: { _id: 1 } });
    expect(await snapshot()).toEqual(before);
    expect(await users.countDocuments({ email: 'z' })).toBe(0);
  });

  it('when an ordered insertMany hits a duplicate, then it stops there; unordered continues past it', async () => {
    const docs = [{ email: '1' }, { email: '2' }, { email: '1' }, { email: '3' }];
    const ordered = (await users.insertMany(docs.map((d) => ({ ...d }))).catch((e: unknown) => e)) as MongoBulkWriteError;
    expect(ordered).toBeInstanceOf(MongoBulkWriteError);
    expect(ordered.result.insertedCount).toBe(2);
    expect(ordered.writeErrors).toEqual([expect.objectContaining({ index: 2, code: 11000 })]);
    await users.deleteMany({});
    const unordered = (await users.insertMany(docs.map((d) => ({ ...d })), { ordered: false }).catch((e: unknown) => e)) as MongoBulkWriteError;
    expect(unordered.result.insertedCount).toBe(3);
    expect(await users.countDocuments()).toBe(3);
  });

  it('when an update or upsert would duplicate a unique key, then it fails with 11000 and changes nothing', async () => {
    await users.insertMany([{ _id: 1, email: 'a' }, { _id: 2, email: 'b' }] as Document[]);
    const before = await snapshot();
    await expect(users.updateOne({ _id: 2 } as Document, { $set: { email: 'a' } })).rejects.toMatchObject({
      code: 11000,
      keyValue: { email: 'a' },
    });
    await expect(users.updateOne({ _id: 9 } as Document, { $set: { email: 'b' } }, { upsert: true })).rejects.toMatchObject({ code: 11000 });
    expect(await snapshot()).toEqual(before);
  });

  it('when findAndModify would duplicate a unique key, then it fails at top level with 11000', async () => {
    await users.insertMany([{ email: 'a' }, { email: 'b' }]);
    await expect(users.findOneAndUpdate({ email: 'b' }, { $set: { email: 'a' } })).rejects.toMatchObject({
      code: 11000,
      keyPattern: { email: 1 },
      keyValue: { email: 'a' },
    });
  });

  it('when a compound unique index exists, then only the full key combination must be unique', async () => {
    await users.createIndex({ org: 1, handle: 1 }, { unique: true });
    await users.insertMany([{ email: '1', org: 'o', handle: 'h' }, { email: '2', org: 'p', handle: 'h' }]);
    const err = await users.insertOne({ email: '3', org: 'o', handle: 'h' }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 11000,
      keyPattern: { org: 1, handle: 1 },
      keyValue: { org: 'o', handle: 'h' },
      errmsg: `E11000 duplicate key error collection: ${dbName}.users index: org_1_handle_1 dup key: { org: "o", handle: "h" }`,
    });
  });

  it('when a unique index is not sparse, then a missing field counts as null; sparse ignores it', async () => {
    await users.createIndex({ phone: 1 }, { unique: true });
    await users.insertOne({ email: '1' });
    await expect(users.insertOne({ email: '2' })).rejects.toMatchObject({ code: 11000, keyValue: { phone: null } });
    await users.createIndex({ nick: 1 }, { unique: true, sparse: true });
    await users.dropIndex('phone_1');
    await users.insertOne({ email: '3' });
    await users.insertOne({ email: '4', nick: 'n' });
    await expect(users.insertOne({ email: '5', nick: 'n' })).rejects.toMatchObject({ code: 11000 });
  });

  it('when a unique index is created over duplicate data, then it fails with 11000 and is not created', async () => {
    await users.insertMany([{ email: '1', dup: 'x' }, { email: '2', dup: 'x' }]);
    await expect(users.createIndex({ dup: 1 }, { unique: true })).rejects.toMatchObject({ code: 11000 });
    expect((await users.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'email_1']);
  });

  it('when an equality or $in uses an indexed field, then the results equal a full scan\'s', async () => {
    await users.createIndex({ authorId: 1, createdAt: -1, _id: -1 });
    await users.insertMany(
      Array.from({ length: 60 }, (_, i) => ({ email: `e${i}`, authorId: i % 6, createdAt: new Date(1e12 + i), tags: [`t${i % 4}`] })),
    );
    const viaIndex = await users.find({ authorId: { $in: [1, 4] }, email: { $ne: 'e1' } }).sort({ createdAt: -1, _id: -1 }).limit(5).toArray();
    const expected = (await users.find({}).toArray())
      .filter((d) => (d.authorId === 1 || d.authorId === 4) && d.email !== 'e1')
      .sort((a, b) => (b.createdAt as Date).getTime() - (a.createdAt as Date).getTime())
      .slice(0, 5);
    expect(viaIndex).toEqual(expected);
    expect(await users.countDocuments({ authorId: 2 })).toBe(10);
    expect(await users.countDocuments({ authorId: { $eq: 2.0 } })).toBe(10);
  });

  it('when 20 separate clients insert the same unique key at once, then exactly one succeeds', async () => {
    const clients = await Promise.all(Array.from({ length: 20 }, () => connect()));
    try {
      const results = await Promise.allSettled(
        clients.map((c) => c.db(dbName).collection('users').insertOne({ email: 'race@x.y' })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 11000 });
      expect(await users.countDocuments({ email: 'race@x.y' })).toBe(1);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });
});
