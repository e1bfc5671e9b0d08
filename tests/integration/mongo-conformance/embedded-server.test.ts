import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BSON, MongoClient } from 'mongodb';
import { startEmbeddedMongo } from '../../../tools/embedded-mongo';
import { RawClient, opMsg } from './conformance-helpers';

const ROOT = path.resolve(__dirname, '../../..');

/** These cases concern the embedded server itself, so they start their own instance. */
describe('the embedded server process', () => {
  let server: Awaited<ReturnType<typeof startEmbeddedMongo>>;

  beforeAll(async () => {
    server = await startEmbeddedMongo({ port: 0 });
  });

  afterAll(async () => {
    await server.stop();
  });

  it('when started on port 0, then it reports the free port it picked in the uri', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.uri).toBe(`mongodb://127.0.0.1:${server.port}/`);
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
    return spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'tools/embedded-mongo/cli.ts', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  it('when started with --port 0, then it prints exactly the uri line, serves, and exits 0 on SIGTERM', async () => {
    const child = run(['--port', '0']);
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    const uri = stdout.trim();
    expect(uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
    const client = await MongoClient.connect(uri);
    expect(await client.db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
    await client.close();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toBe(`${uri}\n`);
  });

  it('when given a bad argument, then it prints one line on stderr and exits 2', async () => {
    const child = run(['--port', 'banana']);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});
