import { performance } from 'node:perf_hooks';
import { type ChangeStreamInsertDocument, type Document, MongoClient, ObjectId, Timestamp } from 'mongodb';
import { startEmbeddedMongo } from '@chirp/embedded-mongo';

const DOCS = 100_000;
const AUTHORS = 1_000;
const QUERIES = 200;
const FEED_AUTHORS = 101;
const FEED_LIMIT = 21;
const LATENCY_WRITES = 2_000;
const STREAMED_EVENTS = 50_000;

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))] as number;
}

function median(xs: number[]): number {
  return percentile(xs, 0.5);
}

/**
 * Change streams: the delay from issuing a write to the event reaching a consumer waiting in
 * getMore (one write at a time, each event awaited before the next write), and how many events a
 * second one stream delivers when it reads a backlog of inserts.
 */
async function changeStreams(uri: string): Promise<void> {
  const writer = await MongoClient.connect(uri);
  const reader = await MongoClient.connect(uri);
  try {
    const coll = writer.db('bench_streams').collection('events');
    const watched = reader.db('bench_streams').collection('events');
    const { operationTime } = (await reader.db('admin').command({ ping: 1 })) as { operationTime: Timestamp };
    const start = new Timestamp({ t: operationTime.t, i: operationTime.i + 1 });
    const stream = watched.watch<Document, ChangeStreamInsertDocument>([], { startAtOperationTime: start, maxAwaitTimeMS: 60_000 });
    const latencies: number[] = [];
    for (let i = 0; i < LATENCY_WRITES; i++) {
      const delivered = stream.next();
      const t = performance.now();
      await coll.insertOne({ i });
      const event = await delivered;
      latencies.push(performance.now() - t);
      if (event.fullDocument.i !== i) throw new Error(`expected event ${i}, got ${String(event.fullDocument.i)}`);
    }
    await stream.close();

    const { operationTime: before } = (await reader.db('admin').command({ ping: 1 })) as { operationTime: Timestamp };
    for (let i = 0; i < STREAMED_EVENTS; i += 1000) {
      await coll.insertMany(Array.from({ length: 1000 }, (_, k) => ({ n: i + k, text: 'x'.repeat(40) })));
    }
    const backlog = watched.watch<Document, ChangeStreamInsertDocument>([], {
      startAtOperationTime: new Timestamp({ t: before.t, i: before.i + 1 }),
    });
    const t = performance.now();
    for (let n = 0; n < STREAMED_EVENTS; n++) {
      const event = await backlog.next();
      if (event.fullDocument.n !== n) throw new Error(`expected event ${n}, got ${String(event.fullDocument.n)}`);
    }
    const seconds = (performance.now() - t) / 1000;
    await backlog.close();

    console.log(
      `change stream latency, write issued to event delivered, ${LATENCY_WRITES} writes one at a time: ` +
        `p50 ${percentile(latencies, 0.5).toFixed(2)} ms, p99 ${percentile(latencies, 0.99).toFixed(2)} ms, max ${Math.max(...latencies).toFixed(2)} ms`,
    );
    console.log(`change stream throughput, one stream reading ${STREAMED_EVENTS} insert events: ${Math.round(STREAMED_EVENTS / seconds)} events/s`);
  } finally {
    await writer.close();
    await reader.close();
  }
}

async function main(): Promise<void> {
  const server = await startEmbeddedMongo({ port: 0 });
  const client = await MongoClient.connect(server.uri);
  try {
    const db = client.db('bench');

    const users = db.collection('users');
    await users.createIndexes([
      { key: { email: 1 }, unique: true },
      { key: { handle: 1 }, unique: true },
    ]);
    const docs = Array.from({ length: DOCS }, (_, i) => ({ email: `user${i}@example.com`, handle: `user${i}`, bio: 'x'.repeat(40) }));
    let t = performance.now();
    await users.insertMany(docs);
    const insertMs = performance.now() - t;

    const posts = db.collection('posts');
    await posts.createIndex({ authorId: 1, createdAt: -1, _id: -1 });
    const authors = Array.from({ length: AUTHORS }, () => new ObjectId());
    const start = Date.now();
    await posts.insertMany(
      Array.from({ length: DOCS }, (_, i) => ({
        authorId: authors[i % AUTHORS],
        createdAt: new Date(start - i * 1000),
        text: `post ${i}`,
      })),
    );
    const times: number[] = [];
    for (let q = 0; q < QUERIES; q++) {
      const some = Array.from({ length: 50 }, (_, i) => authors[(q * 7 + i * 13) % AUTHORS]);
      t = performance.now();
      const page = await posts.find({ authorId: { $in: some } }).sort({ createdAt: -1, _id: -1 }).limit(20).toArray();
      times.push(performance.now() - t);
      if (page.length !== 20) throw new Error(`expected 20 posts, got ${page.length}`);
    }

    // The home feed as the posts subgraph asks for it: followed authors plus self, first+1 posts,
    // and the next page after the (createdAt, _id) cursor of the page's last post.
    const feedFirst: number[] = [];
    const feedNext: number[] = [];
    const sort = { createdAt: -1, _id: -1 } as const;
    for (let q = 0; q < QUERIES; q++) {
      const followed = Array.from({ length: FEED_AUTHORS }, (_, i) => authors[(q * 11 + i * 7) % AUTHORS]);
      t = performance.now();
      const page = await posts.find({ authorId: { $in: followed } }).sort(sort).limit(FEED_LIMIT).toArray();
      feedFirst.push(performance.now() - t);
      const last = page[FEED_LIMIT - 2];
      if (page.length !== FEED_LIMIT || !last) throw new Error(`expected ${FEED_LIMIT} posts, got ${page.length}`);
      const after = { $or: [{ createdAt: { $lt: last.createdAt } }, { createdAt: last.createdAt, _id: { $lt: last._id } }] };
      t = performance.now();
      const next = await posts.find({ authorId: { $in: followed }, ...after }).sort(sort).limit(FEED_LIMIT).toArray();
      feedNext.push(performance.now() - t);
      if (next.length !== FEED_LIMIT || !next[0]?._id.equals(page[FEED_LIMIT - 1]?._id)) throw new Error('the next page does not follow the first');
    }

    console.log(`insert ${DOCS} documents (insertMany, 2 unique indexes): ${(insertMs / 1000).toFixed(2)} s`);
    console.log(
      `find $in 50 authorIds of ${AUTHORS} over ${DOCS} posts, sort (createdAt,_id) desc, limit 20: ` +
        `median ${median(times).toFixed(2)} ms, max ${Math.max(...times).toFixed(2)} ms over ${QUERIES} queries`,
    );
    const feed = (what: string, xs: number[]) =>
      console.log(
        `feed: find $in ${FEED_AUTHORS} authorIds, sort (createdAt,_id) desc, limit ${FEED_LIMIT}${what}: ` +
          `median ${median(xs).toFixed(2)} ms, max ${Math.max(...xs).toFixed(2)} ms over ${QUERIES} queries`,
      );
    feed('', feedFirst);
    feed(', after a cursor', feedNext);
    await changeStreams(server.uri);
  } finally {
    await client.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
