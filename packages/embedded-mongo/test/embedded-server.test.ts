import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BSON, type Document, Long, MongoClient, UUID } from 'mongodb';
import mongoose, { Schema } from 'mongoose';
import { startEmbeddedMongo } from '..';
import { RawClient, opMsg, take, watchFromNow } from './conformance-helpers';
import { REPOSITORY_ROOT } from '@chirp/platform';


/** These cases concern the embedded server itself, so they start their own instance. */
describe('the embedded server process', () => {
  let server: Awaited<ReturnType<typeof startEmbeddedMongo>>;

  beforeAll(async () => {
    server = await startEmbeddedMongo({ port: 0 });
  });

  afterAll(async () => {
    await server.stop();
  });

  it('when started on port 0, then its uri names the free port it picked and the replica set', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.uri).toBe(`mongodb://127.0.0.1:${server.port}/?replicaSet=rs0`);
  });

  it('when the uri carries directConnection=true or no option at all, then the driver still writes retryably and watches', async () => {
    for (const uri of [`mongodb://127.0.0.1:${server.port}/?directConnection=true`, `mongodb://127.0.0.1:${server.port}/`]) {
      const client = new MongoClient(uri, { monitorCommands: true, serverSelectionTimeoutMS: 5000 });
      const inserts: Document[] = [];
      client.on('commandStarted', (e) => e.commandName === 'insert' && inserts.push(e.command));
      try {
        await client.connect();
        const coll = client.db('uri').collection('c');
        const stream = await watchFromNow(client, coll);
        await coll.insertOne({ via: uri });
        expect((await take(stream, 1))[0]).toMatchObject({ operationType: 'insert', fullDocument: { via: uri } });
        await stream.close();
        expect(inserts[0]).toMatchObject({ txnNumber: expect.any(Long) });
      } finally {
        await client.db('uri').dropDatabase();
        await client.close();
      }
    }
  });

  it('when a session starts a transaction, then its commands fail with code 263 naming transactions and nothing is written', async () => {
    const client = await MongoClient.connect(server.uri);
    const session = client.startSession();
    try {
      const coll = client.db('txn').collection('c');
      session.startTransaction();
      const refused = { code: 263, codeName: 'OperationNotSupportedInTransaction', message: expect.stringContaining('Transactions are not supported') };
      await expect(coll.insertOne({ a: 1 }, { session })).rejects.toMatchObject(refused);
      await expect(coll.findOne({}, { session })).rejects.toMatchObject(refused);
      await session.abortTransaction();
      expect(await coll.countDocuments()).toBe(0);
    } finally {
      await session.endSession();
      await client.close();
    }
  });

  it('when mongoose runs a transaction, then it fails with the same clear error and nothing is written', async () => {
    const conn = await mongoose.createConnection(server.uri, { dbName: 'txn_mongoose' }).asPromise();
    try {
      const Item = conn.model('Item', new Schema({ name: String }));
      await expect(conn.transaction(async (session) => Item.create([{ name: 'x' }], { session }))).rejects.toMatchObject({ code: 263 });
      expect(await Item.countDocuments()).toBe(0);
    } finally {
      await conn.close();
    }
  });

  it('when a raw command starts a transaction, then it is refused with 263 and nothing is written', async () => {
    const raw = await RawClient.open(server.uri);
    try {
      const lsid = { id: new UUID() };
      raw.send(opMsg(31, { insert: 'c', documents: [{ a: 1 }], lsid, txnNumber: Long.fromNumber(1), startTransaction: true, autocommit: false, $db: 'txn_raw' }));
      expect((await raw.read())?.doc).toMatchObject({ ok: 0, code: 263 });
      raw.send(opMsg(32, { count: 'c', $db: 'txn_raw' }));
      expect((await raw.read())?.doc).toMatchObject({ ok: 1, n: 0 });
    } finally {
      raw.close();
    }
  });

  it('when the whole server is watched, then writes to every database arrive, and none to admin, config or local', async () => {
    const client = await MongoClient.connect(server.uri);
    try {
      const stream = await watchFromNow(client, client);
      await client.db('local').collection('startup').insertOne({ _id: 'hidden' } as Document);
      await client.db('one').collection('c').insertOne({ _id: 1 } as Document);
      await client.db('two').collection('c').insertOne({ _id: 2 } as Document);
      const events = await take(stream, 2);
      expect(events.map((e) => ('ns' in e ? e.ns : undefined))).toEqual([{ db: 'one', coll: 'c' }, { db: 'two', coll: 'c' }]);
      await stream.close();
    } finally {
      for (const db of ['local', 'one', 'two']) await client.db(db).dropDatabase();
      await client.close();
    }
  });

  it('when a connection sends a malformed message, then only that connection is closed', async () => {
    const client = await MongoClient.connect(server.uri);
    try {
      await client.db('m').collection('c').insertOne({ a: 1 });
      // Too short a length; a corrupt body length; an unknown opCode.
      const cases = [
        Buffer.from([8, 0, 0, 0, 1, 2, 3, 4]),
        opMsg(1, { ping: 1, $db: 'admin' }).fill(0xff, 21, 25),
        Buffer.from([24, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0x39, 0x30, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
      ];
      for (const bytes of cases) {
        const raw = await RawClient.open(server.uri);
        raw.send(bytes);
        expect(await raw.read(1000)).toBeUndefined();
        expect(raw.closed).toBe(true);
      }
      expect(await client.db('m').collection('c').countDocuments()).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('when a body holds invalid BSON, then the connection closes and the server keeps answering others', async () => {
    const raw = await RawClient.open(server.uri);
    const bad = Buffer.from(BSON.serialize({ ping: 1 }));
    bad.writeInt32LE(bad.length + 50, 0);
    const header = Buffer.alloc(21);
    header.writeInt32LE(21 + bad.length, 0);
    header.writeInt32LE(2013, 12);
    raw.send(Buffer.concat([header, bad]));
    expect(await raw.read(1000)).toBeUndefined();
    const ok = await RawClient.open(server.uri);
    ok.send(opMsg(3, { ping: 1, $db: 'admin' }));
    expect((await ok.read())?.doc).toMatchObject({ ok: 1 });
    ok.close();
  });

  it('when an unsupported feature is used, then it fails with a clear error instead of a wrong result', async () => {
    const client = await MongoClient.connect(server.uri);
    try {
      const coll = client.db('u').collection('c');
      await coll.insertOne({ s: 'a' });
      await expect(coll.find({ $text: { $search: 'a' } }).toArray()).rejects.toMatchObject({ code: 115 });
      await expect(coll.find({}, { collation: { locale: 'fr' } }).toArray()).rejects.toMatchObject({ code: 115 });
      await expect(coll.createIndex({ s: 'text' })).rejects.toMatchObject({ code: 115 });
    } finally {
      await client.close();
    }
  });
});

describe('the CLI', () => {
  function run(args: string[]) {
    return spawn(process.execPath, [path.join(REPOSITORY_ROOT, 'node_modules/tsx/dist/cli.mjs'), 'packages/embedded-mongo/cli.ts', ...args], {
      cwd: REPOSITORY_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  it('when started with --port 0 and a change stream history, then it prints exactly the uri line, serves, and exits 0 on SIGTERM', async () => {
    const child = run(['--port', '0', '--change-stream-history', '10']);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let stdout = '';
    let uri = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    try {
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      uri = stdout.trim();
      expect(uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/\?replicaSet=rs0$/);
      const client = await MongoClient.connect(uri);
      expect(await client.db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
      await client.close();
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stdout).toBe(`${uri}\n`);
  });

  it.each([
    [['--port', 'banana'], "invalid --port 'banana'"],
    [['--change-stream-history', '0'], "invalid --change-stream-history '0'"],
  ])('when given a bad argument (%j), then it prints one line on stderr naming it and exits 2', async (args, message) => {
    const child = run(args);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(message);
  });
});
