import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals';
import mongoose, { type Connection } from 'mongoose';
import { createLogger, createMetrics } from '@chirp/platform';
import { eventually, mongoUri, testDbName } from '@chirp/test-kit';
import { rebuildStreamWorker, startStreamWorker, subscribe, type PublishedStream, type RunningWorker, type StreamWorkerSpec } from '../src';

/**
 * The stream worker against a real change stream: a `notes` collection published as events, applied
 * into a second collection by a consumer that records every call, so that losses and repeats show.
 */
interface NoteEvent {
  type: 'written' | 'erased';
  noteId: string;
}

const notesStream: PublishedStream<NoteEvent> = {
  name: 'test.notes',
  collection: 'notes',
  options: {},
  pipeline: [
    { $match: { operationType: { $in: ['insert', 'delete', 'invalidate'] } } },
    { $project: { operationType: 1, wallTime: 1, type: { $cond: [{ $eq: ['$operationType', 'insert'] }, 'written', 'erased'] }, noteId: '$documentKey._id' } },
  ],
  decode: (event) => ({ type: event.type === 'written' ? 'written' : 'erased', noteId: String(event.noteId) }),
};

let connection: Connection;
const running: RunningWorker[] = [];

function spec(overrides: Partial<StreamWorkerSpec> & { applied?: NoteEvent[][] } = {}): StreamWorkerSpec {
  const applied = overrides.applied ?? [];
  return {
    name: 'notes',
    subscriptions: [
      subscribe({
        stream: notesStream,
        database: connection.name,
        apply: async (events) => {
          applied.push(events);
          for (const event of events) {
            if (event.type === 'written') await connection.collection('seen').updateOne({ _id: event.noteId as never }, { $set: { at: new Date() } }, { upsert: true });
            else await connection.collection('seen').deleteOne({ _id: event.noteId as never });
          }
        },
      }),
    ],
    rebuild: async () => undefined,
    ...overrides,
  };
}

const options = (leaseMs = 1000) => ({ connection, logger: createLogger('test', { logLevel: 'silent', logFormat: 'json' }), metrics: createMetrics('test'), leaseMs });

async function start(workerSpec: StreamWorkerSpec, leaseMs?: number): Promise<RunningWorker> {
  const worker = await startStreamWorker(workerSpec, options(leaseMs));
  running.push(worker);
  return worker;
}

const state = () => connection.collection('stream_workers').findOne({ _id: 'notes' as never });

beforeAll(async () => {
  connection = await mongoose.createConnection(mongoUri(), { dbName: testDbName() }).asPromise();
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((worker) => worker.stop()));
  for (const name of ['notes', 'seen', 'stream_workers']) await connection.collection(name).deleteMany({});
});

afterAll(async () => {
  await connection.dropDatabase();
  await connection.close();
});

test('when notes are written and erased, then each event is applied once, in order, and the position is saved', async () => {
  const applied: NoteEvent[][] = [];
  await start(spec({ applied }));
  await eventually(async () => expect((await state())?.positions?.['test:notes']).toBeDefined());
  const { insertedIds } = await connection.collection('notes').insertMany([{ n: 1 }, { n: 2 }, { n: 3 }]);
  await connection.collection('notes').deleteOne({ _id: insertedIds[1] });
  await eventually(async () => expect(applied.flat()).toHaveLength(4));
  expect(applied.flat()).toEqual([
    ...Object.values(insertedIds).map((id) => ({ type: 'written', noteId: String(id) })),
    { type: 'erased', noteId: String(insertedIds[1]) },
  ]);
  expect((await state())!.positions['test:notes']).toHaveProperty('token');
});

test('when a worker stops and another starts, then the second goes on from the saved position: nothing lost, nothing applied twice', async () => {
  const first: NoteEvent[][] = [];
  const worker = await start(spec({ applied: first }));
  await eventually(async () => expect((await state())?.positions?.['test:notes']).toBeDefined());
  await connection.collection('notes').insertMany([{ n: 1 }, { n: 2 }]);
  await eventually(async () => expect(first.flat()).toHaveLength(2));
  await worker.stop();
  await connection.collection('notes').insertMany([{ n: 3 }, { n: 4 }]);
  const second: NoteEvent[][] = [];
  await start(spec({ applied: second }));
  await eventually(async () => expect(second.flat()).toHaveLength(2));
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(second.flat()).toHaveLength(2);
  expect(await connection.collection('seen').countDocuments()).toBe(4);
});

test('when two workers run, then one holds the lease and applies; the other takes over once the holder stops', async () => {
  const a: NoteEvent[][] = [];
  const b: NoteEvent[][] = [];
  const holder = await start(spec({ applied: a }));
  await eventually(async () => expect((await state())?.holder).toBeTruthy());
  await start(spec({ applied: b }));
  await connection.collection('notes').insertOne({ n: 1 });
  await eventually(async () => expect(a.flat()).toHaveLength(1));
  expect(b).toEqual([]);
  await holder.stop();
  await connection.collection('notes').insertOne({ n: 2 });
  await eventually(async () => expect(b.flat()).toHaveLength(1));
  expect(a.flat()).toHaveLength(1);
});

test('when the worker is stopped during its first rebuild, then it stops once the rebuild ends, without opening the streams', async () => {
  let finishRebuild!: () => void;
  let rebuilding!: () => void;
  const started = new Promise<void>((resolve) => (rebuilding = resolve));
  const worker = await start(spec({ rebuild: () => new Promise<void>((resolve) => { rebuilding(); finishRebuild = resolve; }) }));
  await started;
  const stopped = worker.stop();
  finishRebuild();
  await expect(Promise.race([stopped.then(() => 'stopped'), new Promise((resolve) => setTimeout(() => resolve('still running'), 5000))])).resolves.toBe('stopped');
});

test('when a rebuild is asked for while a worker holds the lease, then the holder rebuilds and the request is answered', async () => {
  let rebuilds = 0;
  const workerSpec = spec({ rebuild: async () => void (rebuilds += 1) });
  await start(workerSpec);
  await eventually(async () => expect(rebuilds).toBe(1));
  await expect(rebuildStreamWorker(workerSpec, options())).resolves.toBe('by the running worker');
  expect(rebuilds).toBe(2);
  expect((await state())!.rebuildRequested).toBe(false);
});

test('when a rebuild is asked for and no worker runs, then the command takes the lease, rebuilds and lets the lease go', async () => {
  let rebuilds = 0;
  await expect(rebuildStreamWorker(spec({ rebuild: async () => void (rebuilds += 1) }), options())).resolves.toBe('here');
  expect(rebuilds).toBe(1);
  expect(await state()).toMatchObject({ holder: null, rebuildRequested: false, positions: { 'test:notes': { startAt: expect.anything() } } });
});
