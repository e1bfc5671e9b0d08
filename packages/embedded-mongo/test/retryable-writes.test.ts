import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type Collection, type Document, Long, type MongoClient, UUID } from 'mongodb';
import { mongoUri, testDbName } from '@chirp/test-kit';
import { RawClient, connect, opMsg } from './conformance-helpers';

describe('retryable writes', () => {
  let client: MongoClient;
  let raw: RawClient;
  let coll: Collection<Document>;
  let requestId = 100;
  const dbName = testDbName();

  /** Sends one command as a driver retrying a write would: same session, same txnNumber. */
  async function send(body: Document): Promise<Document> {
    raw.send(opMsg(++requestId, { ...body, $db: dbName }));
    const reply = await raw.read();
    if (!reply) throw new Error('no reply');
    return reply.doc;
  }

  beforeAll(async () => {
    client = await connect();
    raw = await RawClient.open(mongoUri());
  });

  beforeEach(async () => {
    await client.db(dbName).dropDatabase();
    coll = client.db(dbName).collection('items');
  });

  afterAll(async () => {
    raw.close();
    await client.db(dbName).dropDatabase();
    await client.close();
  });

  it('when the driver writes, then it sends a txnNumber, because the server supports retryable writes', async () => {
    const watched = await connect({ monitorCommands: true });
    const sent: Document[] = [];
    watched.on('commandStarted', (e) => e.commandName === 'insert' && sent.push(e.command));
    try {
      await watched.db(dbName).collection('items').insertOne({ _id: 1 } as Document);
    } finally {
      await watched.close();
    }
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ lsid: { id: expect.anything() }, txnNumber: expect.any(Long) });
  });

  it('when an insert is retried with the same session and txnNumber, then the document is stored once and the retry answers as the first did', async () => {
    const session = { lsid: { id: new UUID() }, txnNumber: Long.fromNumber(1) };
    const insert = { insert: 'items', documents: [{ _id: 1 }, { _id: 2 }], ...session };
    expect(await send(insert)).toMatchObject({ ok: 1, n: 2 });
    const retry = await send(insert);
    expect(retry).toMatchObject({ ok: 1, n: 2 });
    expect(retry.writeErrors).toBeUndefined();
    expect(await coll.countDocuments()).toBe(2);
  });

  it('when an update is retried with the same txnNumber, then it is applied once and both answers count it', async () => {
    await coll.insertOne({ _id: 1, n: 0 } as Document);
    const update = { update: 'items', updates: [{ q: { _id: 1 }, u: { $inc: { n: 1 } } }], lsid: { id: new UUID() }, txnNumber: Long.fromNumber(7) };
    expect(await send(update)).toMatchObject({ ok: 1, n: 1, nModified: 1 });
    expect(await send(update)).toMatchObject({ ok: 1, n: 1, nModified: 1 });
    expect(await coll.findOne({ _id: 1 } as Document)).toEqual({ _id: 1, n: 1 });
  });

  it('when findAndModify is retried with the same txnNumber, then it modifies once and answers with the first value', async () => {
    await coll.insertOne({ _id: 1, n: 0 } as Document);
    const command = { findAndModify: 'items', query: { _id: 1 }, update: { $inc: { n: 1 } }, new: true, lsid: { id: new UUID() }, txnNumber: Long.fromNumber(3) };
    expect(await send(command)).toMatchObject({ ok: 1, value: { _id: 1, n: 1 } });
    expect(await send(command)).toMatchObject({ ok: 1, value: { _id: 1, n: 1 } });
    expect(await coll.findOne({ _id: 1 } as Document)).toEqual({ _id: 1, n: 1 });
  });

  it('when an ordered batch that stopped at a duplicate key is retried, then what it applied is not applied again and the failed statement is tried again', async () => {
    await coll.insertOne({ _id: 'taken' } as Document);
    const insert = { insert: 'items', documents: [{ _id: 'new' }, { _id: 'taken' }, { _id: 'last' }], lsid: { id: new UUID() }, txnNumber: Long.fromNumber(1) };
    const first = await send(insert);
    expect(first).toMatchObject({ ok: 1, n: 1, writeErrors: [{ index: 1, code: 11000 }] });
    await coll.deleteOne({ _id: 'taken' } as Document);
    const retry = await send(insert);
    expect(retry).toMatchObject({ ok: 1, n: 3 });
    expect(retry.writeErrors).toBeUndefined();
    expect((await coll.find().sort({ _id: 1 }).toArray()).map((d) => d._id)).toEqual(['last', 'new', 'taken']);
  });

  it('when a write comes with an older txnNumber than the session has used, then it is refused with TransactionTooOld and writes nothing', async () => {
    const lsid = { id: new UUID() };
    expect(await send({ insert: 'items', documents: [{ _id: 1 }], lsid, txnNumber: Long.fromNumber(5) })).toMatchObject({ ok: 1, n: 1 });
    expect(await send({ insert: 'items', documents: [{ _id: 2 }], lsid, txnNumber: Long.fromNumber(4) })).toMatchObject({
      ok: 0,
      code: 225,
      codeName: 'TransactionTooOld',
    });
    expect(await coll.countDocuments()).toBe(1);
  });

  it('when a command that is not a write carries a txnNumber, then it is refused with code 50768', async () => {
    expect(await send({ find: 'items', filter: {}, lsid: { id: new UUID() }, txnNumber: Long.fromNumber(1) })).toMatchObject({
      ok: 0,
      code: 50768,
    });
  });
});
