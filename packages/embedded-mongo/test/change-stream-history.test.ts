import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type Collection, type Document, MongoClient, type ResumeToken, type Timestamp } from 'mongodb';
import { startEmbeddedMongo } from '..';
import { take, watchFromNow } from './conformance-helpers';

const HISTORY = 5;
const historyLost = { code: 286, codeName: 'ChangeStreamHistoryLost' };

/**
 * mongod fails a change stream with ChangeStreamHistoryLost once its oplog has rolled past the
 * stream's position. An oplog cannot be made that small on a real server, so these cases run on
 * their own embedded server, which keeps only the last few events.
 */
describe('change stream history on the embedded server', () => {
  let server: Awaited<ReturnType<typeof startEmbeddedMongo>>;
  let client: MongoClient;
  let coll: Collection<Document>;

  beforeEach(async () => {
    server = await startEmbeddedMongo({ port: 0, changeStreamHistory: HISTORY });
    client = await MongoClient.connect(server.uri, { serverSelectionTimeoutMS: 5000 });
    coll = client.db('history').collection('c');
  });

  afterEach(async () => {
    await client.close();
    await server.stop();
  });

  async function insert(from: number, count: number): Promise<void> {
    for (let i = from; i < from + count; i++) await coll.insertOne({ _id: i } as Document);
  }

  it('when a stream resumes from a token still in the history, then it gets every event after it', async () => {
    const stream = await watchFromNow(client, coll);
    await insert(0, 2);
    const [first] = await take(stream, 1);
    await stream.close();
    await insert(2, HISTORY - 1);
    const resumed = coll.watch([], { resumeAfter: first?._id });
    expect((await take(resumed, HISTORY)).map((e) => ('documentKey' in e ? e.documentKey._id : undefined))).toEqual([1, 2, 3, 4, 5]);
    await resumed.close();
  });

  it('when a stream resumes from a token older than the kept history, then it fails with code 286 ChangeStreamHistoryLost', async () => {
    const stream = await watchFromNow(client, coll);
    await insert(0, 2);
    const [first] = await take(stream, 1);
    await stream.close();
    await insert(2, HISTORY);
    const resumed = coll.watch([], { resumeAfter: first?._id });
    await expect(resumed.next()).rejects.toMatchObject(historyLost);
  });

  it('when a stream starts at an operation time older than the kept history, then it fails with code 286', async () => {
    const session = client.startSession();
    await coll.insertOne({ _id: 'old' } as Document, { session });
    const at = session.operationTime as Timestamp;
    await session.endSession();
    await insert(0, HISTORY);
    await expect(coll.watch([], { startAtOperationTime: at }).next()).rejects.toMatchObject(historyLost);
  });

  it('when an open stream falls further behind than the kept history, then its next getMore fails with code 286', async () => {
    const stream = await watchFromNow(client, coll, [], { batchSize: 1 });
    await insert(0, 1);
    await take(stream, 1);
    await insert(1, HISTORY + 1);
    await expect(take(stream, HISTORY + 1)).rejects.toMatchObject(historyLost);
  });

  it('when the server restarts, then a connected client carries on and a token from the earlier run fails with code 286', async () => {
    const stream = await watchFromNow(client, coll);
    await insert(0, 1);
    const token = (await take(stream, 1))[0]?._id as ResumeToken;
    await stream.close();
    const { port } = server;
    await server.stop();
    server = await startEmbeddedMongo({ port, changeStreamHistory: HISTORY });
    await coll.insertOne({ _id: 'after restart' } as Document);
    expect(await coll.countDocuments()).toBe(1);
    await expect(coll.watch([], { resumeAfter: token }).next()).rejects.toMatchObject(historyLost);
  });
});
