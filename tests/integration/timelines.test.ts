import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import mongoose, { type Connection } from 'mongoose';
import type { CommandStartedEvent } from 'mongodb';
import { createPost, eventually, follow, registerUser, startStack, type Stack, type TestUser } from '@chirp/test-kit';

/**
 * Home timelines as a user sees them through the gateway: written by the posts subgraph's timeline
 * worker from the posts and follow streams (fan-out on write), read from the viewer's own timeline.
 */
const FEED = `query ($first: Int, $after: String) {
  me { feed(first: $first, after: $after) { edges { node { id author { id } } } pageInfo { hasNextPage endCursor } } }
}`;
const UNFOLLOW = 'mutation ($id: ID!) { unfollow(userId: $id) { id } }';
const DELETE = 'mutation ($id: ID!) { deletePost(id: $id) }';

interface FeedPage {
  ids: string[];
  hasNextPage: boolean;
  endCursor: string | null;
}

let stack: Stack;

async function feedPage(user: TestUser, first = 20, after: string | null = null): Promise<FeedPage> {
  const response = await stack.graphql<{ me: { feed: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } }>(
    FEED,
    { first, after },
    { token: user.token },
  );
  expect(response.errors).toBeUndefined();
  const { edges, pageInfo } = response.data!.me.feed;
  return { ids: edges.map((edge) => edge.node.id), ...pageInfo };
}

async function ok(query: string, variables: Record<string, unknown>, user: TestUser): Promise<void> {
  expect((await stack.graphql(query, variables, { token: user.token })).errors).toBeUndefined();
}

/** The whole feed, page by page. */
async function wholeFeed(user: TestUser, first: number): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await feedPage(user, first, after);
    ids.push(...page.ids);
    if (!page.hasNextPage) return ids;
    after = page.endCursor;
  }
}

/** Another connection to a subgraph's database, for setting up volumes no test would make through the API. */
async function database(name: string): Promise<Connection> {
  return mongoose.createConnection(stack.env.MONGODB_URI!, { dbName: name }).asPromise();
}

/** Posts written straight into the posts database, oldest first, a millisecond apart: the stream sees them like any. */
async function insertPosts(posts: Connection, authorId: string, count: number, startAt: number): Promise<string[]> {
  const documents = Array.from({ length: count }, (_, index) => {
    const at = new Date(startAt + index);
    return { _id: new mongoose.Types.ObjectId(), authorId: new mongoose.Types.ObjectId(authorId), content: `post ${index}`, likeCount: 0, commentCount: 0, editedAt: null, createdAt: at, updatedAt: at };
  });
  await posts.collection('posts').insertMany(documents);
  return documents.map((document) => String(document._id)).reverse();
}

const timelineEntries = (posts: Connection, owner: TestUser) =>
  posts.collection('timeline_entries').countDocuments({ ownerId: new mongoose.Types.ObjectId(owner.id) });

beforeAll(async () => {
  // The worker shares this process with the whole system: under load, a subgraph call can wait on it.
  stack = await startStack({ SUBGRAPH_TIMEOUT_MS: '20000' });
});

afterAll(async () => {
  await stack.stop();
}, 60_000);

describe('fan-out', () => {
  test('when an account posts, then the post reaches the feed of every follower, and of no one else', async () => {
    const author = await registerUser(stack);
    const followers = await Promise.all([registerUser(stack), registerUser(stack), registerUser(stack)]);
    const stranger = await registerUser(stack);
    for (const follower of followers) await follow(stack, follower, author);
    const postId = await createPost(stack, author, 'to every follower');
    for (const follower of followers) await eventually(async () => expect((await feedPage(follower)).ids).toEqual([postId]));
    expect((await feedPage(stranger)).ids).toEqual([]);
  });

  test('when the viewer posts, then the post is first in their own feed as soon as createPost answers', async () => {
    const viewer = await registerUser(stack);
    const first = await createPost(stack, viewer, 'one');
    expect((await feedPage(viewer)).ids).toEqual([first]);
    const second = await createPost(stack, viewer, 'two');
    expect((await feedPage(viewer)).ids).toEqual([second, first]);
  });

  test('when a post is deleted, then it leaves every feed it was in', async () => {
    const author = await registerUser(stack);
    const follower = await registerUser(stack);
    await follow(stack, follower, author);
    const kept = await createPost(stack, author, 'kept');
    const deleted = await createPost(stack, author, 'deleted');
    await eventually(async () => expect((await feedPage(follower)).ids).toEqual([deleted, kept]));
    await ok(DELETE, { id: deleted }, author);
    expect((await feedPage(follower)).ids).toEqual([kept]);
    const posts = await database(stack.env.POSTS_DB_NAME!);
    try {
      await eventually(async () => expect(await posts.collection('timeline_entries').countDocuments({ postId: new mongoose.Types.ObjectId(deleted) })).toBe(0));
    } finally {
      await posts.close();
    }
  });
});

describe('follows', () => {
  test('when a viewer unfollows an account, then its posts leave their feed; when they follow again, its posts come back', async () => {
    const author = await registerUser(stack);
    const viewer = await registerUser(stack);
    const older = await createPost(stack, author, 'older');
    const newer = await createPost(stack, author, 'newer');
    await follow(stack, viewer, author);
    await eventually(async () => expect((await feedPage(viewer)).ids).toEqual([newer, older]));
    await ok(UNFOLLOW, { id: author.id }, viewer);
    await eventually(async () => expect((await feedPage(viewer)).ids).toEqual([]));
    await follow(stack, viewer, author);
    await eventually(async () => expect((await feedPage(viewer)).ids).toEqual([newer, older]));
  });

  test('when a viewer follows 5,000 accounts, then a feed page still answers, with their posts', async () => {
    const viewer = await registerUser(stack);
    const authors = await Promise.all(Array.from({ length: 3 }, () => registerUser(stack)));
    const others = Array.from({ length: 5000 - authors.length }, () => new mongoose.Types.ObjectId());
    const users = await database(stack.env.USERS_DB_NAME!);
    try {
      // Straight into the users database: 5,000 follows through the API would be the test's whole time.
      const followeeIds = [...authors.map((author) => new mongoose.Types.ObjectId(author.id)), ...others];
      await users.collection('follows').insertMany(
        followeeIds.map((followeeId) => ({ followerId: new mongoose.Types.ObjectId(viewer.id), followeeId, createdAt: new Date() })),
      );
    } finally {
      await users.close();
    }
    const posted: string[] = [];
    for (const author of authors) posted.unshift(await createPost(stack, author, `from ${author.username}`));
    const page = await eventually(async () => {
      const current = await feedPage(viewer, 10);
      expect(current.ids).toEqual(posted);
      return current;
    }, { timeoutMs: 60_000, intervalMs: 500 });
    expect(page.hasNextPage).toBe(false);
  }, 120_000);
});

describe('long timelines', () => {
  const AUTHOR_POSTS = 900;

  test('when a feed is longer than the entries a timeline keeps, then its pages walk through every post, in order, once', async () => {
    const author = await registerUser(stack);
    const early = await registerUser(stack);
    await follow(stack, early, author);
    const posts = await database(stack.env.POSTS_DB_NAME!);
    try {
      const expected = await insertPosts(posts, author.id, AUTHOR_POSTS, Date.now() - 1_000_000);
      // One who followed before the posts (their timeline was trimmed) and one who followed after (a follow copies the newest 800).
      const late = await registerUser(stack);
      await eventually(async () => expect((await feedPage(early, 1)).ids).toEqual(expected.slice(0, 1)), { timeoutMs: 60_000 });
      await follow(stack, late, author);
      await eventually(async () => expect((await feedPage(late, 1)).ids).toEqual(expected.slice(0, 1)), { timeoutMs: 60_000 });
      await eventually(async () => expect(await timelineEntries(posts, early)).toBeLessThanOrEqual(800), { timeoutMs: 60_000 });
      for (const reader of [early, late]) {
        expect(await timelineEntries(posts, reader)).toBeLessThanOrEqual(800);
        expect(await wholeFeed(reader, 100)).toEqual(expected);
        expect(await wholeFeed(reader, 7)).toEqual(expected);
      }
    } finally {
      await posts.close();
    }
  }, 180_000);
});

describe('query count', () => {
  /** The commands the posts subgraph sends while `user` reads a page, by name. */
  async function commandsOfAPage(user: TestUser): Promise<string[]> {
    const names: string[] = [];
    const client = stack.posts.connection.getClient();
    const listener = (event: CommandStartedEvent) => names.push(event.commandName);
    client.on('commandStarted', listener);
    try {
      await feedPage(user);
    } finally {
      client.off('commandStarted', listener);
    }
    return names.sort();
  }

  test('when two viewers follow 10 and 2,000 accounts, then a page of their feeds costs the posts subgraph the same commands', async () => {
    const [few, many] = await Promise.all([registerUser(stack), registerUser(stack)]);
    const author = await registerUser(stack);
    const users = await database(stack.env.USERS_DB_NAME!);
    try {
      for (const [viewer, count] of [[few, 9], [many, 1999]] as const) {
        const followeeIds = Array.from({ length: count }, () => new mongoose.Types.ObjectId());
        await users.collection('follows').insertMany(
          followeeIds.map((followeeId) => ({ followerId: new mongoose.Types.ObjectId(viewer.id), followeeId, createdAt: new Date() })),
        );
        await follow(stack, viewer, author);
      }
    } finally {
      await users.close();
    }
    const postId = await createPost(stack, author, 'seen by both');
    for (const viewer of [few, many]) await eventually(async () => expect((await feedPage(viewer)).ids).toEqual([postId]), { timeoutMs: 60_000 });
    const [ofFew, ofMany] = [await commandsOfAPage(few), await commandsOfAPage(many)];
    expect(ofMany).toEqual(ofFew);
    expect(ofFew.length).toBeLessThanOrEqual(8);
  }, 120_000);
});
