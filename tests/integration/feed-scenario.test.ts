import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Types } from 'mongoose';
import { createPost, eventually, follow, registerUser, type TestUser, startStack, type Stack } from '@chirp/test-kit';

const FEED = `query ($after: String) {
  me { feed(first: 2, after: $after) {
    edges { cursor node { id createdAt author { id } likeCount commentCount likedByViewer } }
    pageInfo { hasNextPage endCursor }
  } }
}`;
const LIKE = `mutation ($postId: ID!) { likePost(postId: $postId) { id } }`;
const COMMENT = `mutation ($postId: ID!) { addComment(postId: $postId, input: { content: "nice" }) { id } }`;
const ROUNDS = 4;

interface TrackedPost {
  id: string;
  authorId: string;
  likers: Set<string>;
  comments: number;
}

interface FeedNode {
  id: string;
  createdAt: string;
  author: { id: string };
  likeCount: number;
  commentCount: number;
  likedByViewer: boolean;
}

interface FeedPage {
  edges: { node: FeedNode }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

let stack: Stack;
/** The three who follow each other. */
let friends: TestUser[];
/** Follows one of the friends, but none of them follows back. */
let outsider: TestUser;
/** Every post, in the order it was created (which is ascending (createdAt, id) order). */
const posts: TrackedPost[] = [];

async function ok(query: string, variables: Record<string, unknown>, user: TestUser) {
  const response = await stack.graphql(query, variables, { token: user.token });
  expect(response.errors).toBeUndefined();
  return response.data!;
}

async function post(user: TestUser, content: string): Promise<TrackedPost> {
  const tracked = { id: await createPost(stack, user, content), authorId: user.id, likers: new Set<string>(), comments: 0 };
  posts.push(tracked);
  return tracked;
}

/** Newest first by (createdAt, id), strictly: no two items in the same place. */
function isStrictlyNewestFirst(newer: FeedNode, older: FeedNode): boolean {
  const [a, b] = [Date.parse(newer.createdAt), Date.parse(older.createdAt)];
  return a > b || (a === b && newer.id > older.id);
}

beforeAll(async () => {
  stack = await startStack();
  const everyone = await Promise.all(Array.from({ length: 4 }, () => registerUser(stack)));
  friends = everyone.slice(0, 3);
  outsider = everyone[3]!;
  for (const user of friends) {
    for (const other of friends) if (user !== other) await follow(stack, user, other);
  }
  await follow(stack, outsider, friends[0]!);

  for (let round = 0; round < ROUNDS; round++) {
    for (const user of everyone) await post(user, `round ${round} by ${user.username}`);
  }
  // A fixed, uneven pattern of likes and comments by everyone on everyone else's posts.
  for (const [postIndex, target] of posts.entries()) {
    for (const [userIndex, user] of everyone.entries()) {
      if (user.id === target.authorId) continue;
      if ((postIndex + userIndex) % 3 !== 0) {
        await ok(LIKE, { postId: target.id }, user);
        target.likers.add(user.id);
      }
      if ((postIndex + userIndex) % 4 === 0) {
        await ok(COMMENT, { postId: target.id }, user);
        target.comments += 1;
      }
    }
  }
  // Every post in the timelines of those who follow its author (the worker writes them a moment after).
  const timeline = stack.posts.connection.collection('timeline_entries');
  const expectedEntries = posts.reduce((sum, p) => sum + 1 + (p.authorId === friends[0]!.id ? 3 : friends.some((f) => f.id === p.authorId) ? 2 : 0), 0);
  await eventually(async () => expect(await timeline.countDocuments({ postId: { $in: posts.map((p) => new Types.ObjectId(p.id)) } })).toBe(expectedEntries), { timeoutMs: 60_000 });
}, 120_000);

afterAll(() => stack?.stop());

test.each([0, 1, 2])(
  'when friend %i pages through their feed 2 at a time while new posts arrive, then every earlier post of the friends appears once, newest first, with the right counters, and no outsider post',
  async (index) => {
    const viewer = friends[index]!;
    const friendIds = new Set(friends.map((user) => user.id));
    const expected = posts.filter((p) => friendIds.has(p.authorId)).reverse();
    expect(expected.some((p) => p.authorId === viewer.id)).toBe(true);
    // The earlier tests' posts made while paging reach this viewer's timeline a moment after they were made.
    const timeline = stack.posts.connection.collection('timeline_entries');
    const entriesOfExpected = () => timeline.countDocuments({ ownerId: new Types.ObjectId(viewer.id), postId: { $in: expected.map((p) => new Types.ObjectId(p.id)) } });
    await eventually(async () => expect(await entriesOfExpected()).toBe(expected.length));

    const seen: FeedNode[] = [];
    let after: string | null = null;
    for (let page = 0; ; page++) {
      const feed: FeedPage = (await ok(FEED, { after }, viewer)).me.feed;
      expect(feed.edges.length).toBeLessThanOrEqual(2);
      seen.push(...feed.edges.map((edge) => edge.node));
      if (!feed.pageInfo.hasNextPage) break;
      expect(feed.edges).toHaveLength(2);
      after = feed.pageInfo.endCursor;
      // Newer than the cursor: none of these may show up on the pages still to come.
      await post(friends[page % 3]!, `posted during paging, page ${page}`);
      await post(outsider, `outsider during paging, page ${page}`);
    }

    expect(seen.map((node) => node.id)).toEqual(expected.map((p) => p.id));
    seen.slice(1).forEach((node, i) => expect(isStrictlyNewestFirst(seen[i]!, node)).toBe(true));
    expect(seen.map(({ author, likeCount, commentCount, likedByViewer }) => ({ author, likeCount, commentCount, likedByViewer }))).toEqual(
      expected.map((p) => ({
        author: { id: p.authorId },
        likeCount: p.likers.size,
        commentCount: p.comments,
        likedByViewer: p.likers.has(viewer.id),
      })),
    );
  },
);
