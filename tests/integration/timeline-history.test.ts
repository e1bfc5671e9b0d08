import { afterAll, beforeAll, expect, test } from '@jest/globals';
import mongoose, { type Connection } from 'mongoose';
import { startEmbeddedMongo, type RunningServer } from '@chirp/embedded-mongo';
import { subgraph as postsSubgraph } from '@chirp/posts-subgraph';
import type { RunningService } from '@chirp/platform';
import { startSubgraphWorkers } from '@chirp/subgraph-kit';
import { createPost, eventually, follow, registerUser, startStack, type Stack, type TestUser } from '@chirp/test-kit';

/**
 * A timeline worker that was away longer than the change-stream history reaches back: its saved
 * position is gone (code 286), so it rebuilds what it derives, and says so in its metrics.
 * On a server of its own, whose history is short enough to outrun.
 */
const HISTORY = 200;
const FEED = '{ me { feed { edges { node { id } } } } }';

let server: RunningServer;
let stack: Stack;
let posts: Connection;
let worker: RunningService | null = null;

const startWorker = async () => {
  worker = await startSubgraphWorkers(postsSubgraph, postsSubgraph.loadConfig({ ...stack.env, POSTS_METRICS_PORT: '0' }));
  return worker;
};

async function feedIds(user: TestUser): Promise<string[]> {
  const response = await stack.graphql<{ me: { feed: { edges: { node: { id: string } }[] } } }>(FEED, {}, { token: user.token });
  expect(response.errors).toBeUndefined();
  return response.data!.me.feed.edges.map((edge) => edge.node.id);
}

/** One series' value from a Prometheus text page: the line of `name` whose labels include `labels`. */
function metric(page: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  const line = page.split('\n').find((candidate) => {
    const match = /^([a-z_]+)\{(.*)\} /.exec(candidate);
    return match?.[1] === name && wanted.every((pair) => match[2]!.split(',').includes(pair));
  });
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

beforeAll(async () => {
  server = await startEmbeddedMongo({ changeStreamHistory: HISTORY });
  stack = await startStack({ MONGODB_URI: server.uri, RUN_WORKERS: 'false', WORKER_LEASE_MS: '1000' });
  posts = await mongoose.createConnection(server.uri, { dbName: stack.env.POSTS_DB_NAME }).asPromise();
});

afterAll(async () => {
  await worker?.stop();
  await posts?.close();
  await stack?.stop();
  await server?.stop();
}, 60_000);

test('when the worker comes back after more writes than the history keeps, then it rebuilds the timelines and counts the rebuild in /metrics', async () => {
  // The filler's author is an account nobody follows: posts of an id auth does not know, the rebuild would purge.
  const [author, reader, stranger] = [await registerUser(stack), await registerUser(stack), await registerUser(stack)];
  await startWorker();
  await follow(stack, reader, author);
  const seen = await createPost(stack, author, 'seen while the worker ran');
  await eventually(async () => expect(await feedIds(reader)).toEqual([seen]));

  // The worker's first start rebuilds, which may put the post in the feed before its event is handled:
  // events written during a rebuild are applied after it, and counted then.
  await eventually(async () => {
    const running = await (await fetch(worker!.metricsUrl)).text();
    expect(metric(running, 'chirp_stream_events_total', { stream: 'posts.posts' })).toBeGreaterThanOrEqual(1);
    expect(metric(running, 'chirp_stream_events_total', { stream: 'users.follows' })).toBeGreaterThanOrEqual(1);
    expect(metric(running, 'chirp_stream_lag_seconds_count', { stream: 'posts.posts' })).toBeGreaterThanOrEqual(1);
    expect(metric(running, 'chirp_stream_worker_lease_held', { worker: 'timelines' })).toBe(1);
  });

  await worker!.stop();
  worker = null;
  const missed = await createPost(stack, author, 'written while the worker was away');
  // More writes than the history holds push the saved position out of it.
  const filler = Array.from({ length: HISTORY + 50 }, (_, index) => ({ authorId: new mongoose.Types.ObjectId(stranger.id), content: `filler ${index}`, createdAt: new Date(), updatedAt: new Date() }));
  for (const document of filler) await posts.collection('posts').insertOne(document);

  await startWorker();
  await eventually(async () => {
    const after = await (await fetch(worker!.metricsUrl)).text();
    expect(metric(after, 'chirp_stream_worker_rebuilds_total', { worker: 'timelines', reason: 'history lost' })).toBe(1);
  }, { timeoutMs: 60_000, intervalMs: 250 });
  expect(await feedIds(reader)).toEqual([missed, seen]);
}, 120_000);
