/**
 * The home-timeline part of `npm run bench` (issue 13): accounts whose follow edges are written
 * straight into the users database, which the posts subgraph's timeline worker then projects
 * (`follow_edges`) and fans posts out from (`timeline_entries`), as it would for follows made
 * through the API.
 *
 * - viewers following 10, 1,000 and 5,000 accounts (fewer in --quick), a few of which post, so that
 *   every viewer's feed has the same full first page: their feeds are measured in run.ts;
 * - an author with exactly `fanOutFollowers` followers (at most FANOUT_FOLLOWER_THRESHOLD, so that
 *   the worker fans out): each of its timed posts is made through the gateway, and the clock stops
 *   when the post's last timeline entry exists.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import bcrypt from 'bcryptjs';
import mongoose, { Types } from 'mongoose';
import { connectDatabase } from '@chirp/subgraph-kit';
import { userModel } from '@chirp/auth-subgraph/models/user';
import { followModel } from '@chirp/users-subgraph/models/follow';
import { userStatsModel } from '@chirp/users-subgraph/models/user-stats';
import { eventually } from '@chirp/test-kit/eventually';
import type { GraphQLClient } from '@chirp/test-kit/graphql-client';
import { BENCH_PASSWORD } from './seed';

export interface TimelineSize {
  /** How many accounts each feed viewer follows: one viewer, and one measured feed, per number. */
  viewerFollows: number[];
  /** Followed accounts (followed by every viewer) that post, and how many posts each makes. */
  posters: number;
  postsEach: number;
  /** Followers of the fan-out author: at most the worker's threshold, or its posts are not fanned out. */
  fanOutFollowers: number;
  /** Posts of the fan-out author timed, one at a time. */
  fanOutPosts: number;
}

export interface TimelineAccounts {
  /** Accounts that are followed by the viewers and follow the author: as many as the largest of the two. */
  pool: Types.ObjectId[];
  viewers: Types.ObjectId[];
  author: Types.ObjectId;
}

export interface FanOutSample {
  /** From sending createPost to its answer. */
  createMs: number;
  /** From sending createPost until the post's first timeline entry (the author's own) exists: the stream's delivery. */
  firstEntryMs: number;
  /** From sending createPost until all `followers + 1` entries exist. */
  lastEntryMs: number;
}

/** Polls of the fan-out count: short enough to time it to a few ms, long enough not to load the database much. */
export const FAN_OUT_POLL_MS = 20;
const FOLLOW_BATCH = 5000;

/** The pool, the viewers and the author, written into the auth database with the bench's password. */
export async function seedTimelineAccounts(uri: string, authDb: string, size: TimelineSize): Promise<TimelineAccounts> {
  const accounts: TimelineAccounts = {
    pool: Array.from({ length: Math.max(size.fanOutFollowers, ...size.viewerFollows) }, () => new Types.ObjectId()),
    viewers: size.viewerFollows.map(() => new Types.ObjectId()),
    author: new Types.ObjectId(),
  };
  const named = [
    ...accounts.pool.map((_id, i) => ({ _id, username: `timeline_${i}` })),
    ...accounts.viewers.map((_id, i) => ({ _id, username: `viewer_of_${size.viewerFollows[i]}` })),
    { _id: accounts.author, username: 'fan_out_author' },
  ];
  const connection = await connectDatabase(uri, authDb);
  try {
    const User = await userModel(connection);
    const passwordHash = await bcrypt.hash(BENCH_PASSWORD, 10);
    const createdAt = new Date();
    for (let start = 0; start < named.length; start += FOLLOW_BATCH) {
      await User.insertMany(
        named.slice(start, start + FOLLOW_BATCH).map(({ _id, username }) => ({
          _id,
          username,
          usernameKey: username,
          name: username,
          email: `${username}@example.com`,
          passwordHash,
          createdAt,
        })),
      );
    }
  } finally {
    await connection.close();
  }
  return accounts;
}

interface SetUpOptions {
  uri: string;
  dbNames: { users: string; posts: string };
  accounts: TimelineAccounts;
  size: TimelineSize;
  graphql: GraphQLClient;
  tokenOf: (id: Types.ObjectId) => string;
  log: (line: string) => void;
}

const CREATE_POST = 'mutation CreatePost($content: String!) { createPost(input: { content: $content }) { id } }';
const FEED_IDS = 'query Feed($first: Int!) { me { feed(first: $first) { edges { node { id author { username } } } } } }';

/**
 * Writes the follow edges into the users database (with matching user_stats counters), waits until
 * the worker has projected them, posts through the gateway as the posters, and waits until every
 * viewer's timeline holds those posts and their feed shows a full page of them.
 */
export async function setUpTimelines({ uri, dbNames, accounts, size, graphql, tokenOf, log }: SetUpOptions): Promise<{ projectedMs: number; fannedOutMs: number }> {
  const { pool, viewers, author } = accounts;
  const edges = [
    ...viewers.flatMap((followerId, v) => pool.slice(0, size.viewerFollows[v]).map((followeeId) => ({ followerId, followeeId }))),
    ...pool.slice(0, size.fanOutFollowers).map((followerId) => ({ followerId, followeeId: author })),
  ];
  const started = performance.now();
  const users = await connectDatabase(uri, dbNames.users);
  try {
    const [Follow, UserStats] = await Promise.all([followModel(users), userStatsModel(users)]);
    const createdAt = new Date();
    for (let start = 0; start < edges.length; start += FOLLOW_BATCH) {
      await Follow.insertMany(edges.slice(start, start + FOLLOW_BATCH).map((edge) => ({ ...edge, createdAt })));
    }
    const counters = new Map<string, { followersCount: number; followingCount: number }>();
    const counter = (id: Types.ObjectId) => counters.get(String(id)) ?? counters.set(String(id), { followersCount: 0, followingCount: 0 }).get(String(id))!;
    for (const { followerId, followeeId } of edges) {
      counter(followerId).followingCount++;
      counter(followeeId).followersCount++;
    }
    const increments = [...counters].map(([id, $inc]) => ({ updateOne: { filter: { _id: new Types.ObjectId(id) }, update: { $inc }, upsert: true } }));
    for (let start = 0; start < increments.length; start += FOLLOW_BATCH) await UserStats.bulkWrite(increments.slice(start, start + FOLLOW_BATCH), { ordered: false });
  } finally {
    await users.close();
  }
  log(`wrote ${edges.length.toLocaleString('en')} follow edges in ${((performance.now() - started) / 1000).toFixed(1)} s; waiting for the timeline worker's projection…`);

  const posts = await mongoose.createConnection(uri, { dbName: dbNames.posts }).asPromise();
  try {
    const followEdges = posts.collection('follow_edges');
    const entries = posts.collection('timeline_entries');
    const projected = async () => {
      const counts = await Promise.all([
        ...viewers.map((followerId) => followEdges.countDocuments({ followerId })),
        followEdges.countDocuments({ followeeId: author }),
      ]);
      const wanted = [...size.viewerFollows, size.fanOutFollowers];
      if (counts.some((count, i) => count !== wanted[i])) throw new Error(`follow_edges: ${counts.join(', ')} of ${wanted.join(', ')}`);
    };
    await eventually(projected, { timeoutMs: 15 * 60_000, intervalMs: 250 });
    const projectedMs = performance.now() - started;
    log(`the worker projected them ${(projectedMs / 1000).toFixed(1)} s after the first insert`);

    const postsStarted = performance.now();
    const total = size.posters * size.postsEach;
    for (let k = 0; k < size.postsEach; k++) {
      for (const poster of pool.slice(0, size.posters)) {
        const answer = await graphql(CREATE_POST, { content: `Timeline bench post ${k} by ${poster}` }, { token: tokenOf(poster) });
        if (answer.errors) throw new Error(`createPost failed: ${JSON.stringify(answer.errors)}`);
      }
    }
    const fannedOut = async () => {
      const counts = await Promise.all(viewers.map((ownerId) => entries.countDocuments({ ownerId })));
      if (counts.some((count) => count !== total)) throw new Error(`timeline_entries of the viewers: ${counts.join(', ')} of ${total}`);
      for (const viewer of viewers) {
        const answer = await graphql<{ me: { feed: { edges: unknown[] } } }>(FEED_IDS, { first: 20 }, { token: tokenOf(viewer) });
        if (answer.errors || answer.data?.me.feed.edges.length !== Math.min(20, total)) throw new Error(`a viewer's feed: ${JSON.stringify(answer)}`);
      }
    };
    await eventually(fannedOut, { timeoutMs: 5 * 60_000, intervalMs: 100 });
    const fannedOutMs = performance.now() - postsStarted;
    log(`${total} posts by ${size.posters} followed accounts in every viewer's feed ${(fannedOutMs / 1000).toFixed(1)} s after the first was sent`);
    return { projectedMs, fannedOutMs };
  } finally {
    await posts.close();
  }
}

/**
 * Posts as the author, one at a time, through the gateway, and polls `timeline_entries` until the post
 * has `followers + 1` entries (every follower's, and the author's own). The polls are point reads, so
 * that they cost the database next to nothing: the author's entry (the worker writes it first), then
 * that of the follower the worker reaches last (it pages followers in id order), and then a count of
 * all of them, which must be complete (else counting goes on).
 */
export async function measureFanOut({ uri, dbNames, accounts, size, graphql, tokenOf }: Omit<SetUpOptions, 'log'>): Promise<FanOutSample[]> {
  const posts = await mongoose.createConnection(uri, { dbName: dbNames.posts }).asPromise();
  const entries = posts.collection('timeline_entries');
  const wanted = size.fanOutFollowers + 1;
  const lastFollower = accounts.pool.slice(0, size.fanOutFollowers).reduce((a, b) => (a.toHexString() > b.toHexString() ? a : b));
  const samples: FanOutSample[] = [];
  // The gateway checks a token's account once, then remembers it: not part of any timed post.
  await graphql('{ me { id } }', {}, { token: tokenOf(accounts.author) });
  try {
    for (let k = 0; k < size.fanOutPosts; k++) {
      const sent = performance.now();
      const answer = await graphql<{ createPost: { id: string } }>(CREATE_POST, { content: `Fan-out bench post ${k}` }, { token: tokenOf(accounts.author) });
      const createMs = performance.now() - sent;
      if (answer.errors || !answer.data) throw new Error(`createPost failed: ${JSON.stringify(answer.errors)}`);
      const postId = new Types.ObjectId(answer.data.createPost.id);
      let firstEntryMs: number | null = null;
      let lastReached = false;
      for (;;) {
        if (firstEntryMs === null) {
          if (await entries.findOne({ ownerId: accounts.author, postId }, { projection: { _id: 1 } })) firstEntryMs = performance.now() - sent;
        } else if (!lastReached) {
          lastReached = (await entries.findOne({ ownerId: lastFollower, postId }, { projection: { _id: 1 } })) !== null;
        }
        const now = performance.now() - sent;
        if (lastReached) {
          const count = await entries.countDocuments({ postId });
          if (count >= wanted) {
            samples.push({ createMs, firstEntryMs: firstEntryMs!, lastEntryMs: now });
            break;
          }
        }
        if (now > 120_000) throw new Error(`post ${postId}: ${await entries.countDocuments({ postId })} of ${wanted} timeline entries after 120 s`);
        await sleep(FAN_OUT_POLL_MS);
      }
      // Between two posts the worker is idle, so that each is timed alone.
      await sleep(200);
    }
  } finally {
    await posts.close();
  }
  return samples;
}

/** The value below which `p` of `values` lie (nearest rank), as autocannon reports its percentiles. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
