import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type MongoClient } from 'mongodb';
import { mongoUri, testDbName } from '@chirp/test-kit';
import { RawClient, connect, opMsg, opQuery } from './conformance-helpers';

describe('wire protocol and server commands', () => {
  let client: MongoClient;
  let raw: RawClient;
  const dbName = testDbName();

  beforeAll(async () => {
    client = await connect();
    raw = await RawClient.open(mongoUri());
  });

  afterAll(async () => {
    raw.close();
    await client.db(dbName).dropDatabase();
    await client.close();
  });

  it('when a legacy isMaster arrives over OP_QUERY, then it is answered with an OP_REPLY handshake', async () => {
    raw.send(opQuery(7, 'admin.$cmd', { isMaster: 1, helloOk: true }));
    const reply = await raw.read();
    expect(reply?.opCode).toBe(1);
    expect(reply?.responseTo).toBe(7);
    expect(reply?.doc).toMatchObject({ ok: 1, ismaster: true, helloOk: true, maxWireVersion: expect.any(Number) });
    expect(reply?.doc.maxWireVersion).toBeGreaterThanOrEqual(21);
  });

  it('when ping and buildInfo are sent, then both answer ok with a version', async () => {
    expect(await client.db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
    const info = await client.db('admin').command({ buildInfo: 1 });
    expect(info.version).toMatch(/^\d+\.\d+/);
  });

  it('when an unknown command is sent, then it fails with code 59 CommandNotFound and the server keeps serving', async () => {
    await expect(client.db(dbName).command({ noSuchCommandHere: 1 })).rejects.toMatchObject({
      code: 59,
      codeName: 'CommandNotFound',
    });
    expect(await client.db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
  });

  it('when an OP_MSG carries a kind-1 document sequence, then its documents join the body', async () => {
    raw.send(opMsg(9, { insert: 'seq', $db: dbName }, { sequences: { documents: [{ _id: 1 }, { _id: 2 }] } }));
    expect((await raw.read())?.doc).toMatchObject({ ok: 1, n: 2 });
    expect(await client.db(dbName).collection('seq').countDocuments()).toBe(2);
  });

  it('when an OP_MSG has the checksum flag, then the trailing checksum is stripped and the command runs', async () => {
    raw.send(opMsg(10, { ping: 1, $db: 'admin' }, { checksum: true }));
    const reply = await raw.read();
    expect(reply?.responseTo).toBe(10);
    expect(reply?.doc).toMatchObject({ ok: 1 });
  });

  it('when an OP_MSG sets moreToCome, then no reply is sent but the write happens', async () => {
    raw.send(opMsg(11, { insert: 'w0', documents: [{ _id: 'x' }], writeConcern: { w: 0 }, $db: dbName }, { moreToCome: true }));
    raw.send(opMsg(12, { ping: 1, $db: 'admin' }));
    expect((await raw.read())?.responseTo).toBe(12);
    expect(await client.db(dbName).collection('w0').findOne({ _id: 'x' as never })).toEqual({ _id: 'x' });
  });

  it('when the driver writes with w:0, then the document is stored', async () => {
    const coll = client.db(dbName).collection('w0driver');
    await coll.insertOne({ _id: 'unack' as never }, { writeConcern: { w: 0 } });
    let found = null;
    for (let i = 0; i < 50 && !found; i++) found = await coll.findOne({ _id: 'unack' as never });
    expect(found).toEqual({ _id: 'unack' });
  });

  it('when $db names a database, then the command runs there', async () => {
    raw.send(opMsg(13, { insert: 'where', documents: [{ _id: 1 }], $db: `${dbName}` }));
    await raw.read();
    expect(await client.db(dbName).collection('where').countDocuments()).toBe(1);
  });

  it('when listDatabases and listCollections are sent, then the test database and its collections are listed', async () => {
    await client.db(dbName).collection('listed').insertOne({ a: 1 });
    const { databases } = await client.db('admin').command({ listDatabases: 1, nameOnly: true });
    expect((databases as { name: string }[]).map((d) => d.name)).toContain(dbName);
    const names = (await client.db(dbName).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).toContain('listed');
    const filtered = await client.db(dbName).listCollections({ name: 'listed' }).toArray();
    expect(filtered).toEqual([expect.objectContaining({ name: 'listed', type: 'collection' })]);
  });

  it('when endSessions is sent, then it answers ok', async () => {
    const session = client.startSession();
    await client.db(dbName).collection('s').findOne({}, { session });
    await session.endSession();
    expect(await client.db('admin').command({ endSessions: [] })).toMatchObject({ ok: 1 });
  });
});
