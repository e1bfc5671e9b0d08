import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Types } from 'mongoose';
import {
  createPost,
  errorCodes,
  eventually,
  registerUser,
  startStack,
  type GraphQLResponse,
  type Stack,
  type TestUser,
} from '@chirp/test-kit';

let stack: Stack;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  stack = await startStack();
  [alice, bob] = await Promise.all([registerUser(stack), registerUser(stack)]);
});
afterAll(() => stack?.stop());

interface PostPage {
  edges: { cursor: string; node: { id: string; content: string; bookmarkedByViewer: boolean } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const PAGE = 'edges { cursor node { id content bookmarkedByViewer } } pageInfo { hasNextPage endCursor }';
const MY_BOOKMARKS = `query ($first: Int, $after: String) { me { bookmarks(first: $first, after: $after) { ${PAGE} } } }`;

const mutate = (name: 'bookmarkPost' | 'unbookmarkPost', viewer: TestUser | null, postId: string) =>
  stack.graphql<Record<string, { id: string; content: string; bookmarkedByViewer: boolean }>>(
    `mutation ($id: ID!) { ${name}(postId: $id) { id content bookmarkedByViewer } }`,
    { id: postId },
    viewer ? { token: viewer.token } : {},
  );

async function bookmark(viewer: TestUser, postId: string): Promise<void> {
  const response = await mutate('bookmarkPost', viewer, postId);
  expect(response.errors).toBeUndefined();
}

async function myBookmarks(viewer: TestUser, first?: number, after?: string | null): Promise<PostPage> {
  const response = await stack.graphql<{ me: { bookmarks: PostPage } }>(MY_BOOKMARKS, { first, after }, { token: viewer.token });
  expect(response.errors).toBeUndefined();
  return response.data!.me.bookmarks;
}

const ids = (page: PostPage) => page.edges.map((edge) => edge.node.id);
const bookmarks = () => stack.users.connection.collection('bookmarks');
const stored = (filter: { userId?: string; postId?: string }) =>
  bookmarks().countDocuments(Object.fromEntries(Object.entries(filter).map(([key, id]) => [key, new Types.ObjectId(id)])));

describe('bookmarkPost and unbookmarkPost', () => {
  test('when a post is bookmarked twice, then both answer the post, bookmarked, and there is one bookmark', async () => {
    const postId = await createPost(stack, bob, 'worth keeping');
    for (let i = 0; i < 2; i += 1) {
      const response = await mutate('bookmarkPost', alice, postId);
      expect(response.errors).toBeUndefined();
      expect(response.data?.bookmarkPost).toEqual({ id: postId, content: 'worth keeping', bookmarkedByViewer: true });
    }
    expect(await stored({ userId: alice.id, postId })).toBe(1);
  });

  test('when the same post is bookmarked ten times at once, then there is one bookmark', async () => {
    const postId = await createPost(stack, bob, 'popular');
    const responses = await Promise.all(Array.from({ length: 10 }, () => mutate('bookmarkPost', alice, postId)));
    expect(responses.map((response) => response.errors)).toEqual(Array(10).fill(undefined));
    expect(await stored({ userId: alice.id, postId })).toBe(1);
  });

  test('when a bookmark is removed twice, then both answer the post, not bookmarked, and the bookmark is gone', async () => {
    const postId = await createPost(stack, bob, 'read it');
    await bookmark(alice, postId);
    for (let i = 0; i < 2; i += 1) {
      const response = await mutate('unbookmarkPost', alice, postId);
      expect(response.errors).toBeUndefined();
      expect(response.data?.unbookmarkPost).toEqual({ id: postId, content: 'read it', bookmarkedByViewer: false });
    }
    expect(await stored({ userId: alice.id, postId })).toBe(0);
  });

  test('when the post id is in upper case, then it is the same bookmark', async () => {
    const postId = await createPost(stack, bob, 'shouting ids');
    await bookmark(alice, postId.toUpperCase());
    await bookmark(alice, postId);
    expect(await stored({ userId: alice.id, postId })).toBe(1);
  });

  describe.each(['bookmarkPost', 'unbookmarkPost'] as const)('%s refusals', (name) => {
    test.each([
      ['a well-formed id of no post', 'NOT_FOUND', () => new Types.ObjectId().toHexString()],
      ['a malformed id', 'BAD_USER_INPUT', () => 'not-an-id'],
    ])(`when asked to ${name} %s, then it is %s and nothing is written`, async (_label, code, postId) => {
      const before = await bookmarks().countDocuments();
      const response = await mutate(name, alice, postId());
      expect(errorCodes(response)).toEqual([code]);
      expect(response.data ?? null).toBeNull();
      expect(await bookmarks().countDocuments()).toBe(before);
    });

    test(`when anonymous, then ${name} is UNAUTHENTICATED and nothing is written`, async () => {
      const postId = await createPost(stack, bob);
      const response = await mutate(name, null, postId);
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
      expect(await stored({ postId })).toBe(0);
    });
  });
});

describe('Post.bookmarkedByViewer', () => {
  const POST = `query ($id: ID!) { post(id: $id) { id bookmarkedByViewer } }`;

  test('when asked by whoever bookmarked it, then true; by another user or anonymously, then false', async () => {
    const postId = await createPost(stack, bob, 'seen by some');
    await bookmark(alice, postId);
    const asked = async (viewer: TestUser | null) => {
      const response = await stack.graphql<{ post: { bookmarkedByViewer: boolean } }>(POST, { id: postId }, viewer ? { token: viewer.token } : {});
      expect(response.errors).toBeUndefined();
      return response.data!.post.bookmarkedByViewer;
    };
    expect([await asked(alice), await asked(bob), await asked(null)]).toEqual([true, false, false]);
  });

  test('when a page of posts is read, then each says whether the viewer bookmarked it', async () => {
    const author = await registerUser(stack);
    const [first, second, third] = [await createPost(stack, author, 'one'), await createPost(stack, author, 'two'), await createPost(stack, author, 'three')];
    await bookmark(alice, second);
    const response = await stack.graphql<{ user: { posts: { edges: { node: { id: string; bookmarkedByViewer: boolean } }[] } } }>(
      `query ($id: ID!) { user(id: $id) { posts { edges { node { id bookmarkedByViewer } } } } }`,
      { id: author.id },
      { token: alice.token },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.user.posts.edges.map((edge) => edge.node)).toEqual([
      { id: third, bookmarkedByViewer: false },
      { id: second, bookmarkedByViewer: true },
      { id: first, bookmarkedByViewer: false },
    ]);
  });
});

describe('User.bookmarks', () => {
  let reader: TestUser;
  let posts: string[];
  beforeAll(async () => {
    reader = await registerUser(stack);
    posts = [];
    for (const content of ['first written', 'second written', 'third written']) posts.push(await createPost(stack, bob, content));
    // Bookmarked in another order than written: the list follows when each was bookmarked.
    for (const index of [1, 2, 0]) await bookmark(reader, posts[index]!);
  });

  test('when the owner reads their bookmarks, then they are the posts, most recently bookmarked first, bookmarked', async () => {
    const page = await myBookmarks(reader);
    expect(page.edges.map((edge) => edge.node)).toEqual([
      { id: posts[0], content: 'first written', bookmarkedByViewer: true },
      { id: posts[2], content: 'third written', bookmarkedByViewer: true },
      { id: posts[1], content: 'second written', bookmarkedByViewer: true },
    ]);
    expect(page.pageInfo).toEqual({ hasNextPage: false, endCursor: page.edges[2]!.cursor });
  });

  test('when paged two at a time, then the cursors walk through every bookmark once, in order', async () => {
    const first = await myBookmarks(reader, 2);
    expect(ids(first)).toEqual([posts[0], posts[2]]);
    expect(first.pageInfo).toEqual({ hasNextPage: true, endCursor: first.edges[1]!.cursor });
    const second = await myBookmarks(reader, 2, first.pageInfo.endCursor);
    expect(ids(second)).toEqual([posts[1]]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const past = await myBookmarks(reader, 2, second.pageInfo.endCursor);
    expect(past).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  test('when a post is bookmarked while pages are read, then the next page is unchanged', async () => {
    const owner = await registerUser(stack);
    const [older, newer] = [await createPost(stack, bob, 'older'), await createPost(stack, bob, 'newer')];
    await bookmark(owner, older);
    await bookmark(owner, newer);
    const first = await myBookmarks(owner, 1);
    await bookmark(owner, await createPost(stack, bob, 'latest'));
    expect(ids(await myBookmarks(owner, 1, first.pageInfo.endCursor))).toEqual([older]);
  });

  test('when the owner reads them through user(id), then they are the same', async () => {
    const response = await stack.graphql<{ user: { bookmarks: PostPage } }>(
      `query ($id: ID!) { user(id: $id) { bookmarks { ${PAGE} } } }`,
      { id: reader.id },
      { token: reader.token },
    );
    expect(response.errors).toBeUndefined();
    expect(ids(response.data!.user.bookmarks)).toEqual([posts[0], posts[2], posts[1]]);
  });

  const OTHERS: [label: string, query: string, path: string[]][] = [
    ['directly', `query ($id: ID!) { user(id: $id) { id bookmarks { ${PAGE} } } }`, ['user', 'bookmarks']],
    ['under an alias', `query ($id: ID!) { user(id: $id) { id saved: bookmarks(first: 1) { edges { node { id content } } } } }`, ['user', 'saved']],
    ['in an inline fragment', `query ($id: ID!) { user(id: $id) { id ... on User { bookmarks { edges { node { id } } } } } }`, ['user', 'bookmarks']],
    ['in a named fragment', `query ($id: ID!) { user(id: $id) { ...Saved } } fragment Saved on User { id bookmarks { edges { node { id content } } } }`, ['user', 'bookmarks']],
  ];

  test.each(OTHERS)("when another user asks for someone's bookmarks %s, then it is FORBIDDEN and no post is in the answer", async (_label, query, path) => {
    const response = await stack.graphql(query, { id: reader.id }, { token: alice.token });
    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    expect(response.errors![0]!.path).toEqual(path);
    expect(JSON.stringify(response.data)).not.toMatch(/written/);
    expect(response.data?.user ?? null).toBeNull();
  });

  test.each(OTHERS)("when an anonymous request asks for someone's bookmarks %s, then it is UNAUTHENTICATED", async (_label, query) => {
    const response = await stack.graphql(query, { id: reader.id });
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    expect(JSON.stringify(response.data)).not.toMatch(/written/);
  });

  test.each([
    ['first: 0', { first: 0 }],
    ['first: 101', { first: 101 }],
    ['a made-up cursor', { after: 'bm90LWEtY3Vyc29y' }],
  ])('when bookmarks are asked for with %s, then it is BAD_USER_INPUT', async (_label, args) => {
    const response: GraphQLResponse = await stack.graphql(MY_BOOKMARKS, args, { token: reader.token });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('bookmarks of deleted posts', () => {
  test('when a bookmarked post is deleted, then it leaves the list at once, its bookmarks are removed, and it cannot be bookmarked again', async () => {
    const owner = await registerUser(stack);
    const [kept, deleted] = [await createPost(stack, bob, 'kept'), await createPost(stack, bob, 'deleted later')];
    await bookmark(owner, kept);
    await bookmark(owner, deleted);
    await bookmark(alice, deleted);
    expect(ids(await myBookmarks(owner))).toEqual([deleted, kept]);

    const removal = await stack.graphql(`mutation ($id: ID!) { deletePost(id: $id) }`, { id: deleted }, { token: bob.token });
    expect(removal.errors).toBeUndefined();
    expect(ids(await myBookmarks(owner))).toEqual([kept]);
    // The deletions worker removes them from the posts stream, a moment after.
    await eventually(async () => expect(await stored({ postId: deleted })).toBe(0));
    expect(await stored({ postId: kept })).toBe(1);
    expect(errorCodes(await mutate('bookmarkPost', owner, deleted))).toEqual(['NOT_FOUND']);
    expect(await stored({ postId: deleted })).toBe(0);
  });

  test('when bookmarks of posts that are gone are still stored, then pages read past them and stay full', async () => {
    const owner = await registerUser(stack);
    const [older, newer] = [await createPost(stack, bob, 'older'), await createPost(stack, bob, 'newer')];
    await bookmark(owner, older);
    // Two bookmarks the worker has not removed yet (of posts that never existed, so no event will), between the two real ones.
    const at = Date.now();
    await bookmarks().insertMany(
      [1, 2].map((offset) => ({ userId: new Types.ObjectId(owner.id), postId: new Types.ObjectId(), createdAt: new Date(at + offset) })),
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    await bookmark(owner, newer);

    const first = await myBookmarks(owner, 1);
    expect(ids(first)).toEqual([newer]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await myBookmarks(owner, 1, first.pageInfo.endCursor);
    expect(ids(second)).toEqual([older]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(ids(await myBookmarks(owner))).toEqual([newer, older]);
  });
});
