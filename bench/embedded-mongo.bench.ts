import { performance } from 'node:perf_hooks';
import { MongoClient, ObjectId } from 'mongodb';
import { startEmbeddedMongo } from '../tools/embedded-mongo';

const DOCS = 100_000;
const AUTHORS = 1_000;
const QUERIES = 200;

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

    console.log(`insert ${DOCS} documents (insertMany, 2 unique indexes): ${(insertMs / 1000).toFixed(2)} s`);
    console.log(
      `find $in 50 authorIds of ${AUTHORS} over ${DOCS} posts, sort (createdAt,_id) desc, limit 20: ` +
        `median ${median(times).toFixed(2)} ms, max ${Math.max(...times).toFixed(2)} ms over ${QUERIES} queries`,
    );
  } finally {
    await client.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
