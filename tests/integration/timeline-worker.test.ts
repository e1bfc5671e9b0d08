import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import mongoose, { type Connection } from 'mongoose';
import { REPOSITORY_ROOT, sourceEntry, subgraphEntry } from '@chirp/platform';
import { eventually, registerUser, startStack, type Stack, type TestUser } from '@chirp/test-kit';

/**
 * The timeline worker as operators run it: in processes of its own (`npm run worker`), two at once,
 * one working the streams under a lease, the other waiting to take over.
 */
const LEASE_MS = 1500;
const FOLLOWERS = 100;
const POSTS = 200;

let stack: Stack;
let posts: Connection;
let users: Connection;
let author: TestUser;
const workers = new Map<number, ChildProcess>();

/** `entry` is the posts subgraph's worker entry, or `npm run worker`'s (every subgraph's workers). */
function startWorkerProcess(entry: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: REPOSITORY_ROOT,
    env: { ...process.env, ...stack.env, WORKER_LEASE_MS: String(LEASE_MS) },
    stdio: 'ignore',
  });
  workers.set(child.pid!, child);
  return child;
}

interface Lease {
  holder: string | null;
  positions: Record<string, unknown>;
}

const lease = async () => (await posts.collection('stream_workers').findOne({ _id: 'timelines' as never })) as Lease | null;
/** The holder is "host:pid:nonce". */
const holderPid = (current: Lease | null) => (current?.holder ? Number(current.holder.split(':')[1]) : null);
const oid = (id: string) => new mongoose.Types.ObjectId(id);

async function insertPosts(count: number): Promise<mongoose.Types.ObjectId[]> {
  const now = Date.now();
  const documents = Array.from({ length: count }, (_, index) => {
    const at = new Date(now + index);
    return { _id: new mongoose.Types.ObjectId(), authorId: oid(author.id), content: `post ${index}`, likeCount: 0, commentCount: 0, editedAt: null, createdAt: at, updatedAt: at };
  });
  await posts.collection('posts').insertMany(documents);
  return documents.map((document) => document._id);
}

beforeAll(async () => {
  // The workers run in their processes only, not inside the stack's posts subgraph.
  stack = await startStack({ RUN_WORKERS: 'false', SUBGRAPH_TIMEOUT_MS: '20000' });
  posts = await mongoose.createConnection(stack.env.MONGODB_URI!, { dbName: stack.env.POSTS_DB_NAME }).asPromise();
  users = await mongoose.createConnection(stack.env.MONGODB_URI!, { dbName: stack.env.USERS_DB_NAME }).asPromise();
  author = await registerUser(stack);
  startWorkerProcess(sourceEntry(subgraphEntry('posts'), 'worker'));
  startWorkerProcess('tools/worker.ts');
  await eventually(async () => expect(workers.has(holderPid(await lease())!)).toBe(true), { timeoutMs: 60_000 });
  // Accounts, straight into auth's database, for the followers: a rebuild purges the data of any other id.
  const followerIds = Array.from({ length: FOLLOWERS }, () => new mongoose.Types.ObjectId());
  await stack.auth.connection.db!.collection('users').insertMany(
    followerIds.map((_id, index) => ({ _id, username: `follower_${index}`, usernameKey: `follower_${index}`, name: `Follower ${index}`, email: `follower_${index}@example.com`, passwordHash: '-', createdAt: new Date() })),
  );
  await users.collection('follows').insertMany(followerIds.map((followerId) => ({ followerId, followeeId: oid(author.id), createdAt: new Date() })));
  await eventually(async () => expect(await posts.collection('follow_edges').countDocuments({ followeeId: oid(author.id) })).toBe(FOLLOWERS), { timeoutMs: 60_000 });
  // The holder's first start is a rebuild, which may have read those follows itself: the tests begin once
  // it is over, when every stream has a position (the kill below waits for the posts stream's to move).
  await eventually(async () => expect(Object.keys((await lease())!.positions).sort()).toEqual(['auth:accounts', 'posts:posts', 'users:follows']), { timeoutMs: 60_000 });
}, 120_000);

afterAll(async () => {
  await Promise.all(
    [...workers.values()]
      .filter((child) => child.exitCode === null && child.signalCode === null)
      .map((child) => new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM'))),
  );
  await posts?.close();
  await users?.close();
  await stack?.stop();
}, 60_000);

test('when the worker holding the lease is killed in the middle of a fan-out, then the other takes over within seconds and every post reaches every timeline exactly once', async () => {
  const holder = holderPid(await lease())!;
  const before = JSON.stringify((await lease())!.positions['posts:posts']);
  const postIds: mongoose.Types.ObjectId[] = [];
  let killedAt = 0;
  // Posts keep coming in batches; the holder dies once it has saved a position past where it stood.
  for (let round = 0; round < 10; round += 1) {
    postIds.push(...(await insertPosts(POSTS / 10)));
    if (!killedAt && JSON.stringify((await lease())!.positions['posts:posts']) !== before) {
      workers.get(holder)!.kill('SIGKILL');
      killedAt = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!killedAt) {
    await eventually(async () => expect(JSON.stringify((await lease())!.positions['posts:posts'])).not.toEqual(before));
    workers.get(holder)!.kill('SIGKILL');
    killedAt = Date.now();
  }

  const successor = await eventually(async () => {
    const pid = holderPid(await lease());
    expect(pid).not.toBe(holder);
    expect(workers.has(pid!)).toBe(true);
    return pid;
  });
  expect(Date.now() - killedAt).toBeLessThan(LEASE_MS + 5000);
  expect(successor).not.toBeNull();

  const entriesOfThesePosts = () => posts.collection('timeline_entries').countDocuments({ postId: { $in: postIds } });
  // The author's timeline and each follower's: none missing, none twice.
  await eventually(async () => expect(await entriesOfThesePosts()).toBe(POSTS * (FOLLOWERS + 1)), { timeoutMs: 90_000, intervalMs: 250 });
  const perTimeline = await posts
    .collection('timeline_entries')
    .aggregate([{ $match: { postId: { $in: postIds } } }, { $group: { _id: '$ownerId', entries: { $sum: 1 } } }, { $group: { _id: '$entries', timelines: { $sum: 1 } } }])
    .toArray();
  expect(perTimeline).toEqual([{ _id: POSTS, timelines: FOLLOWERS + 1 }]);
}, 180_000);

test('when timelines are rebuilt on demand while a worker runs, then the running worker rebuilds them from the owners\' data', async () => {
  const entriesBefore = await posts.collection('timeline_entries').countDocuments();
  expect(entriesBefore).toBeGreaterThan(0);
  await posts.collection('timeline_entries').deleteMany({});
  await posts.collection('follow_edges').deleteMany({});

  const command = spawn(process.execPath, ['--import', 'tsx', 'tools/rebuild-timelines.ts'], {
    cwd: REPOSITORY_ROOT,
    env: { ...process.env, ...stack.env, WORKER_LEASE_MS: String(LEASE_MS) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  command.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  command.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise((resolve) => command.once('exit', resolve));
  expect({ code, output }).toEqual({ code: 0, output: expect.stringMatching(/Timelines rebuilt \(by the running timeline worker\)/) });

  expect(await posts.collection('follow_edges').countDocuments({ followeeId: oid(author.id) })).toBe(FOLLOWERS);
  expect(await posts.collection('timeline_entries').countDocuments()).toBe(entriesBefore);
}, 120_000);
