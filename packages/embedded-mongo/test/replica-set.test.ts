import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Document, MongoClient, ObjectId, Timestamp } from 'mongodb';
import { mongoUri } from '@chirp/test-kit';
import { RawClient, connect, opQuery } from './conformance-helpers';

describe('the server as a replica set member', () => {
  let client: MongoClient;

  beforeAll(async () => {
    client = await connect();
  });

  afterAll(async () => {
    await client.close();
  });

  it('when hello is sent, then it describes the writable primary of a replica set, with its election, last write and sessions', async () => {
    const hello = await client.db('admin').command({ hello: 1 });
    expect(hello).toMatchObject({
      ok: 1,
      setName: expect.any(String),
      setVersion: expect.any(Number),
      isWritablePrimary: true,
      secondary: false,
      primary: expect.any(String),
      me: expect.any(String),
      electionId: expect.any(ObjectId),
      logicalSessionTimeoutMinutes: expect.any(Number),
      topologyVersion: { processId: expect.any(ObjectId), counter: expect.anything() },
      lastWrite: { opTime: { ts: expect.any(Timestamp) }, lastWriteDate: expect.any(Date) },
    });
    expect(hello.hosts).toContain(hello.primary);
    expect(hello.me).toBe(hello.primary);
  });

  it('when a legacy isMaster arrives over OP_QUERY, then the OP_REPLY names the replica set and this primary', async () => {
    const raw = await RawClient.open(mongoUri());
    try {
      raw.send(opQuery(21, 'admin.$cmd', { isMaster: 1 }));
      const reply = await raw.read();
      expect(reply?.opCode).toBe(1);
      expect(reply?.doc).toMatchObject({ ok: 1, ismaster: true, secondary: false, setName: expect.any(String), primary: expect.any(String) });
    } finally {
      raw.close();
    }
  });

  it('when a command is answered, then the reply carries the cluster time and the operation time', async () => {
    const reply = await client.db('admin').command({ ping: 1 });
    expect(reply).toMatchObject({
      $clusterTime: { clusterTime: expect.any(Timestamp), signature: { hash: expect.anything(), keyId: expect.anything() } },
      operationTime: expect.any(Timestamp),
    });
  });

  it('when the driver discovers the server, then it sees a replica set primary', async () => {
    const watched = new MongoClient(mongoUri(), { serverSelectionTimeoutMS: 5000 });
    const types: string[] = [];
    watched.on('serverDescriptionChanged', (e) => types.push(e.newDescription.type));
    try {
      await watched.connect();
      await watched.db('admin').command({ ping: 1 });
    } finally {
      await watched.close();
    }
    expect(types).toContain('RSPrimary');
  });

  it('when the driver monitors the server, then it uses the streaming protocol: awaited heartbeats, none failing', async () => {
    const watched = new MongoClient(mongoUri(), { serverSelectionTimeoutMS: 5000, heartbeatFrequencyMS: 500 });
    const failed: Document[] = [];
    let awaited = 0;
    const twoAwaited = new Promise<void>((resolve) => {
      watched.on('serverHeartbeatSucceeded', (e) => {
        if (e.awaited && ++awaited === 2) resolve();
      });
    });
    watched.on('serverHeartbeatFailed', (e) => failed.push(e.failure));
    try {
      await watched.connect();
      await twoAwaited;
    } finally {
      await watched.close();
    }
    expect(failed).toEqual([]);
  });
});
