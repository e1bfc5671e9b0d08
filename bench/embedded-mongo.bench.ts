import { performance } from 'node:perf_hooks';
import { MongoClient, ObjectId } from 'mongodb';
import { startEmbeddedMongo } from '../tools/embedded-mongo';

const DOCS = 100_000;
const AUTHORS = 1_000;
const QUERIES = 200;
const FEED_AUTHORS = 101;
const FEED_LIMIT = 21;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
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
  } finally {
    await client.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
