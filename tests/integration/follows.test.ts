import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Types } from 'mongoose';
import {
  eventually,
  createPost,
  follow,
  registerUser,
  type TestUser,
  errorCodes,
  type GraphQLResponse,
  startStack,
  type Stack,
} from '@chirp/test-kit';

let stack: Stack;
beforeAll(async () => {
  // The whole system shares this one process with its storms, on a shared machine: a subgraph's 4 s
  // timeout would measure the machine's load, not the code. The timeout itself is tested in faults.test.ts.
  stack = await startStack({ SUBGRAPH_TIMEOUT_MS: '20000' });
});
afterAll(async () => {
  await stack?.stop();
});

interface Counts {
  id: string;
  username: string;
  followersCount: number;
  followingCount: number;
  followedByViewer: boolean;
}
interface UserPage {
  edges: { cursor: string; node: { id: string; username: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const COUNTS = 'id username followersCount followingCount followedByViewer';

const mutate = (name: 'follow' | 'unfollow', viewer: TestUser | null, userId: string) =>
  stack.graphql<Record<string, Counts>>(`mutation ($id: ID!) { ${name}(userId: $id) { ${COUNTS} } }`, { id: userId }, viewer ? { token: viewer.token } : {});

async function counts(user: TestUser, viewer?: TestUser): Promise<Counts> {
  const response = await stack.graphql<{ user: Counts }>(`query ($id: ID!) { user(id: $id) { ${COUNTS} } }`, { id: user.id }, viewer ? { token: viewer.token } : {});
  expect(response.errors).toBeUndefined();
  return response.data!.user;
}

const followsCollection = () => stack.users.connection.collection('follows');
const edges = (filter: { followerId?: string; followeeId?: string }) =>
  followsCollection().countDocuments(Object.fromEntries(Object.entries(filter).map(([key, id]) => [key, new Types.ObjectId(id)])));

const registerMany = (count: number) => Promise.all(Array.from({ length: count }, () => registerUser(stack)));
const registerPair = () => Promise.all([registerUser(stack), registerUser(stack)]);

/** Every page of `list` (followers or following) of `user`, `first` at a time. */
async function allPages(user: TestUser, list: 'followers' | 'following', first: number): Promise<UserPage[]> {
  const pages: UserPage[] = [];
  let after: string | null = null;
  do {
    const response: GraphQLResponse<{ user: Record<string, UserPage> }> = await stack.graphql(
      `query ($id: ID!, $first: Int, $after: String) { user(id: $id) { ${list}(first: $first, after: $after) { edges { cursor node { id username } } pageInfo { hasNextPage endCursor } } } }`,
      { id: user.id, first, after },
    );
    expect(response.errors).toBeUndefined();
    const page: UserPage = response.data!.user[list]!;
    pages.push(page);
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after && pages.length < 20);
  return pages;
}

describe('follow and unfollow', () => {
  test('when following a user, then the answer is that user, with its username and new counts', async () => {
    const [ada, bob] = await registerPair();
    const response = await mutate('follow', ada, bob.id);
    expect(response.errors).toBeUndefined();
    expect(response.data?.follow).toEqual({ id: bob.id, username: bob.username, followersCount: 1, followingCount: 0, followedByViewer: true });
    expect(await counts(ada)).toMatchObject({ followersCount: 0, followingCount: 1 });
  });

  test('when following the same user twice, then it is one follow', async () => {
    const [ada, bob] = await registerPair();
    await follow(stack, ada, bob);
    const again = await mutate('follow', ada, bob.id);
    expect(again.errors).toBeUndefined();
    expect(again.data?.follow?.followersCount).toBe(1);
    expect(await counts(ada)).toMatchObject({ followingCount: 1 });
    expect(await edges({ followerId: ada.id, followeeId: bob.id })).toBe(1);
  });

  test('when unfollowing twice, then the counts go back to 0 and the edge is gone', async () => {
    const [ada, bob] = await registerPair();
    await follow(stack, ada, bob);
    for (let i = 0; i < 2; i += 1) {
      const response = await mutate('unfollow', ada, bob.id);
      expect(response.errors).toBeUndefined();
      expect(response.data?.unfollow).toMatchObject({ id: bob.id, username: bob.username, followersCount: 0, followedByViewer: false });
    }
    expect(await counts(ada)).toMatchObject({ followingCount: 0, followersCount: 0 });
    expect(await edges({ followerId: ada.id })).toBe(0);
  });

  describe.each(['follow', 'unfollow'] as const)('%s refusals', (name) => {
    let ada: TestUser;
    beforeAll(async () => {
      ada = await registerUser(stack);
    });

    test.each([
      ['oneself', 'BAD_USER_INPUT', () => ada.id],
      ['a well-formed id of nobody', 'NOT_FOUND', () => new Types.ObjectId().toHexString()],
      ['a malformed id', 'BAD_USER_INPUT', () => 'not-an-id'],
    ])(`when asked to ${name} %s, then it is %s and nothing is written`, async (_label, code, target) => {
      const before = await followsCollection().countDocuments();
      const response = await mutate(name, ada, target());
      expect(errorCodes(response)).toEqual([code]);
      expect(response.data ?? null).toBeNull();
      expect(await followsCollection().countDocuments()).toBe(before);
      expect(await counts(ada)).toMatchObject({ followersCount: 0, followingCount: 0 });
    });

    test(`when anonymous, then ${name} is UNAUTHENTICATED`, async () => {
      const response = await mutate(name, null, ada.id);
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
      expect(response.data ?? null).toBeNull();
    });
  });

  test('when a self-follow uses the id in upper case, then it is still BAD_USER_INPUT', async () => {
    const ada = await registerUser(stack);
    const response = await mutate('follow', ada, ada.id.toUpperCase());
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(await edges({ followerId: ada.id })).toBe(0);
  });
});

describe('the feed through the gateway, which needs whom its owner follows from this subgraph', () => {
  const FEED = `query ($id: ID!) { user(id: $id) { feed(first: 10) { edges { node { id } } } } }`;

  test("when a user reads their own feed, then it holds the posts of those they follow; another user's request for it is FORBIDDEN", async () => {
    const [ada, bob, cyd] = (await registerMany(3)) as [TestUser, TestUser, TestUser];
    await follow(stack, ada, bob);
    const bobPost = await createPost(stack, bob, 'followed');
    await createPost(stack, cyd, 'not followed');
    // Bob's post reaches Ada's timeline through the timeline worker, a moment after it is written.
    await eventually(async () => {
      const own = await stack.graphql<{ user: { feed: { edges: { node: { id: string } }[] } } }>(FEED, { id: ada.id }, { token: ada.token });
      expect(own.errors).toBeUndefined();
      expect(own.data?.user.feed.edges.map((edge) => edge.node.id)).toEqual([bobPost]);
    });

    const theirs = await stack.graphql(FEED, { id: ada.id }, { token: cyd.token });
    expect(errorCodes(theirs)).toEqual(['FORBIDDEN']);
    expect(theirs.errors?.[0]?.path).toEqual(['user', 'feed']);
  });
});

describe('followers and following', () => {
  let star: TestUser;
  let fans: TestUser[];
  beforeAll(async () => {
    const everyone = await registerMany(6);
    star = everyone[0]!;
    fans = everyone.slice(1);
    // One at a time, so that the order of the edges is known.
    for (const fan of fans) await follow(stack, fan, star);
    for (const other of fans.slice(1)) await follow(stack, fans[0]!, other);
  });

  test.each([
    ['followers', () => star, () => fans],
    ['following', () => fans[0]!, () => [star, ...fans.slice(1)]],
  ] as const)('when paging through %s two at a time, then all come newest first with usernames and right pageInfo', async (list, owner, expected) => {
    const pages = await allPages(owner(), list, 2);
    const newestFirst = [...expected()].reverse();
    expect(pages.map((page) => page.edges.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((page) => page.edges.map((edge) => edge.node))).toEqual(newestFirst.map(({ id, username }) => ({ id, username })));
    expect(pages.map((page) => page.pageInfo.hasNextPage)).toEqual([true, true, false]);
    for (const page of pages) expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor);
  });

  test('when a page ends exactly at the last follower, then hasNextPage is false and the next page is empty', async () => {
    const [full] = await allPages(star, 'followers', 5);
    expect(full!.edges).toHaveLength(5);
    expect(full!.pageInfo.hasNextPage).toBe(false);
    const response = await stack.graphql<{ user: { followers: UserPage } }>(
      `query ($id: ID!, $after: String) { user(id: $id) { followers(first: 5, after: $after) { edges { cursor } pageInfo { hasNextPage endCursor } } } }`,
      { id: star.id, after: full!.pageInfo.endCursor },
    );
    expect(response.data?.user.followers).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  test.each([
    ['first: 0', { first: 0 }],
    ['first: 101', { first: 101 }],
    ['a made-up cursor', { after: 'bm90LWEtY3Vyc29y' }],
  ])('when followers are asked for with %s, then it is BAD_USER_INPUT', async (_label, args) => {
    const response = await stack.graphql(
      `query ($id: ID!, $first: Int, $after: String) { user(id: $id) { followers(first: $first, after: $after) { edges { cursor } } } }`,
      { id: star.id, ...args },
    );
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });

  test('when the counts are read, then they match the edges', async () => {
    expect(await counts(star)).toMatchObject({ followersCount: 5, followingCount: 0 });
    expect(await counts(fans[0]!)).toMatchObject({ followersCount: 0, followingCount: 5 });
    expect(await counts(fans[1]!)).toMatchObject({ followersCount: 1, followingCount: 1 });
  });

  test('when the viewer follows the user, then followedByViewer is true; otherwise, or anonymous, false', async () => {
    expect((await counts(star, fans[0])).followedByViewer).toBe(true);
    expect((await counts(fans[0]!, star)).followedByViewer).toBe(false);
    expect((await counts(star)).followedByViewer).toBe(false);
  });
});

test('when 15 users follow one target 3 times each at once and 5 then unfollow twice each at once, then the counts equal the edges', async () => {
  const [target, ...followers] = await registerMany(16);
  const followResponses = await Promise.all(followers.flatMap((user) => [1, 2, 3].map(() => mutate('follow', user, target!.id))));
  expect(followResponses.flatMap(errorCodes)).toEqual([]);
  const leaving = followers.slice(0, 5);
  const unfollowResponses = await Promise.all(leaving.flatMap((user) => [1, 2].map(() => mutate('unfollow', user, target!.id))));
  expect(unfollowResponses.flatMap(errorCodes)).toEqual([]);

  expect(await edges({ followeeId: target!.id })).toBe(10);
  expect((await counts(target!)).followersCount).toBe(10);
  for (const user of followers) {
    const expected = leaving.includes(user) ? 0 : 1;
    expect(await edges({ followerId: user.id })).toBe(expected);
    expect((await counts(user)).followingCount).toBe(expected);
  }
});
