/**
 * The benchmark's dataset, written straight into each service's own database
 * with the services' own mongoose models (through the API, 100,000 posts would
 * take far longer than the benchmark). The documents are the ones the services
 * would write: bcrypt hashes, follow edges with matching user_stats counters,
 * posts whose likeCount/commentCount match their likes and comments, and what the
 * posts subgraph's timeline worker derives from the follows and posts (its
 * rebuild's result: the follow projection and every home timeline) with the
 * worker's stream positions at the end of the seed, so that it starts following
 * the streams from there instead of rebuilding (which, on the embedded server,
 * takes minutes even for the --quick dataset: docs/BENCHMARKS.md).
 */
import bcrypt from 'bcryptjs';
import { Types, type Connection, type mongo } from 'mongoose';
import { connectDatabase, createWorkerLeases } from '@chirp/subgraph-kit';
import { sessionModel } from '@chirp/auth-subgraph/models/session';
import { userModel } from '@chirp/auth-subgraph/models/user';
import { createTokenIssuer } from '@chirp/auth-subgraph/services/tokens';
import { followModel } from '@chirp/users-subgraph/models/follow';
import { userStatsModel } from '@chirp/users-subgraph/models/user-stats';
import { commentModel } from '@chirp/posts-subgraph/models/comment';
import { likeModel } from '@chirp/posts-subgraph/models/like';
import { postModel } from '@chirp/posts-subgraph/models/post';
import { followEdgeModel } from '@chirp/posts-subgraph/models/follow-edge';
import { timelineModel } from '@chirp/posts-subgraph/models/timeline';
import { timelineEntryModel } from '@chirp/posts-subgraph/models/timeline-entry';
import { postStream } from '@chirp/posts-subgraph/events';
import { TIMELINE_LENGTH } from '@chirp/posts-subgraph/services/timeline-service';
import { followStream } from '@chirp/users-subgraph/events';
import { accountStream } from '@chirp/auth-subgraph/events';

export interface DatasetSize {
  users: number;
  posts: number;
  followsPerUser: number;
}

export interface Dataset {
  userIds: string[];
  postIds: string[];
  counts: Record<'users' | 'follows' | 'posts' | 'likes' | 'comments' | 'timeline entries', number>;
}

export const BENCH_PASSWORD = 'bench-password';
const BATCH = 5000;
/** The posts subgraph's stream worker that keeps timelines (subgraphs/posts/src/index.ts). */
const TIMELINE_WORKER = 'timelines';
/** The users subgraph's stream worker that applies deletions made elsewhere (subgraphs/users/src/index.ts). */
const DELETIONS_WORKER = 'deletions';

async function insertInBatches<T>(model: { insertMany(docs: T[], options?: { lean: boolean }): Promise<unknown> }, docs: T[], lean = false): Promise<void> {
  for (let start = 0; start < docs.length; start += BATCH) await model.insertMany(docs.slice(start, start + BATCH), lean ? { lean } : undefined);
}

async function withDatabase<T>(uri: string, dbName: string, write: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await connectDatabase(uri, dbName);
  try {
    return await write(connection);
  } finally {
    await connection.close();
  }
}

/**
 * Saves a worker's positions as a rebuild that ends now would: every stream's position is the present
 * cluster time, and everything written before is accounted for.
 */
async function markRebuilt(connection: Connection, worker: string, streams: string[]): Promise<void> {
  const reply = await connection.getClient().db('admin').command({ ping: 1 });
  const startAt = reply.operationTime as mongo.Timestamp;
  const leases = await createWorkerLeases(connection);
  if (!(await leases.acquire(worker, 'bench-seed', 60_000))) throw new Error(`the ${worker} worker is running: seed before starting the subgraphs`);
  await leases.rebuilt(worker, 'bench-seed', Object.fromEntries(streams.map((stream) => [stream, { startAt }])));
  await leases.release(worker, 'bench-seed');
}

/**
 * Bearer tokens for the bench's accounts, as login would issue them (a session each, named in the
 * token), without paying bcrypt per account: the sessions are written straight into auth's database.
 */
export async function signInDirectly(uri: string, authDb: string, privateKey: string, userIds: readonly string[]): Promise<Map<string, string>> {
  const issue = createTokenIssuer(privateKey, 86_400);
  const tokens = new Map<string, string>();
  const sessions = userIds.map((userId) => {
    const _id = new Types.ObjectId();
    const { token, expiresAt } = issue(userId, _id.toHexString());
    tokens.set(userId, `Bearer ${token}`);
    return { _id, userId, expiresAt };
  });
  await withDatabase(uri, authDb, async (connection) => insertInBatches(await sessionModel(connection), sessions, true));
  return tokens;
}

/** Likes of post `k`: 0, 1 or 2 (distinct users), so likedByViewer is sometimes true; every fifth post has a comment. */
const likersOf = (k: number, users: number) => Array.from({ length: k % 3 }, (_, j) => (k * 7 + j * 13) % users);
const hasComment = (k: number) => k % 5 === 0;

export async function seedDataset(uri: string, dbNames: { auth: string; users: string; posts: string }, size: DatasetSize): Promise<Dataset> {
  const userIds = Array.from({ length: size.users }, () => new Types.ObjectId());
  const postIds = Array.from({ length: size.posts }, () => new Types.ObjectId());
  const now = Date.now();
  // Users joined a year ago; posts are a minute apart, newest first by index.
  const joined = new Date(now - 365 * 86_400_000);
  const postedAt = (k: number) => new Date(now - (k + 1) * 60_000);

  await withDatabase(uri, dbNames.auth, async (connection) => {
    const User = await userModel(connection);
    // One hash for everyone: bcrypt is slow on purpose, and every bench user has the same password.
    const passwordHash = await bcrypt.hash(BENCH_PASSWORD, 10);
    await insertInBatches(
      User,
      userIds.map((_id, i) => ({
        _id,
        username: `bench_${i}`,
        usernameKey: `bench_${i}`,
        name: `Bench User ${i}`,
        email: `bench_${i}@example.com`,
        passwordHash,
        createdAt: joined,
      })),
    );
  });

  // User i follows the next followsPerUser users (wrapping), so everyone has that many followers too.
  const follows = userIds.flatMap((followerId, i) =>
    Array.from({ length: size.followsPerUser }, (_, step) => ({
      followerId,
      followeeId: userIds[(i + step + 1) % size.users]!,
      createdAt: new Date(joined.getTime() + step * 1000),
    })),
  );
  await withDatabase(uri, dbNames.users, async (connection) => {
    const [Follow, UserStats] = await Promise.all([followModel(connection), userStatsModel(connection)]);
    await insertInBatches(Follow, follows);
    await insertInBatches(
      UserStats,
      userIds.map((_id) => ({ _id, followersCount: size.followsPerUser, followingCount: size.followsPerUser })),
    );
  });

  const likes = postIds.flatMap((postId, k) => likersOf(k, size.users).map((u) => ({ postId, userId: userIds[u]!, createdAt: postedAt(k) })));
  const comments = postIds.flatMap((postId, k) =>
    hasComment(k) ? [{ postId, authorId: userIds[(k + 1) % size.users]!, content: `Reply to post ${k}`, createdAt: postedAt(k) }] : [],
  );
  await withDatabase(uri, dbNames.posts, async (connection) => {
    const [Post, Like, Comment] = await Promise.all([postModel(connection), likeModel(connection), commentModel(connection)]);
    await insertInBatches(
      Post,
      postIds.map((_id, k) => ({
        _id,
        authorId: userIds[k % size.users]!,
        content: `Bench post ${k}: the quick brown fox jumps over the lazy dog.`,
        editedAt: null,
        likeCount: likersOf(k, size.users).length,
        commentCount: hasComment(k) ? 1 : 0,
        createdAt: postedAt(k),
        updatedAt: postedAt(k),
      })),
    );
    await insertInBatches(Like, likes);
    await insertInBatches(Comment, comments);
  });

  // The timeline worker's rebuild, done here: the follow projection, and each user's timeline of the
  // newest TIMELINE_LENGTH posts of themself and those they follow (post k is by user k % users, and
  // newer than post k + 1), marked incomplete through its last entry when there were more.
  const entries: { ownerId: Types.ObjectId; postId: Types.ObjectId; authorId: Types.ObjectId; createdAt: Date }[] = [];
  const timelines = userIds.map((ownerId, i) => {
    const authors = new Set([i, ...Array.from({ length: size.followsPerUser }, (_, step) => (i + step + 1) % size.users)]);
    let kept = 0;
    let last = -1;
    let more = false;
    for (let k = 0; k < size.posts; k++) {
      if (!authors.has(k % size.users)) continue;
      if (kept === TIMELINE_LENGTH) {
        more = true;
        break;
      }
      entries.push({ ownerId, postId: postIds[k]!, authorId: userIds[k % size.users]!, createdAt: postedAt(k) });
      kept++;
      last = k;
    }
    return { _id: ownerId, size: kept, trimmedThrough: more ? { createdAt: postedAt(last), id: String(postIds[last]) } : null };
  });
  await withDatabase(uri, dbNames.posts, async (connection) => {
    const [FollowEdge, Timeline, TimelineEntry] = await Promise.all([followEdgeModel(connection), timelineModel(connection), timelineEntryModel(connection)]);
    await insertInBatches(FollowEdge, follows.map(({ followerId, followeeId }) => ({ followerId, followeeId, rebuild: null })), true);
    await insertInBatches(TimelineEntry, entries, true);
    await insertInBatches(Timeline, timelines, true);
    await markRebuilt(connection, TIMELINE_WORKER, [postStream.name, followStream.name, accountStream.name]);
  });
  // users' deletions worker has nothing to derive from a dataset without deletions: it starts from here too.
  await withDatabase(uri, dbNames.users, (connection) => markRebuilt(connection, DELETIONS_WORKER, [accountStream.name, postStream.name]));

  return {
    userIds: userIds.map(String),
    postIds: postIds.map(String),
    counts: {
      users: size.users,
      follows: follows.length,
      posts: size.posts,
      likes: likes.length,
      comments: comments.length,
      'timeline entries': entries.length,
    },
  };
}
