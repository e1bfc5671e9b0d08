import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Types } from 'mongoose';
import {
  createPost,
  eventually,
  expectError,
  expectValidationError,
  MALFORMED_ID,
  nextLink,
  readAllPages,
  registerUser,
  restClient,
  startStack,
  unknownId,
  type Rest,
  type Stack,
  type TestUser,
} from '@chirp/test-kit';

let stack: Stack;
let rest: Rest;
let alice: TestUser;
let bob: TestUser;

const BOOKMARKS = '/posts-api/v1/bookmarks';
const bookmarkPath = (id: string) => `/posts-api/v1/posts/${id}/bookmark`;
const authorOf = (user: TestUser) => ({ id: user.id, username: user.username, name: `Name of ${user.username}` });

beforeAll(async () => {
  stack = await startStack();
  rest = restClient(stack);
  [alice, bob] = await Promise.all([registerUser(stack), registerUser(stack)]);
});

afterAll(() => stack?.stop());

describe('POST and DELETE /posts-api/v1/posts/{id}/bookmark', () => {
  test('when bookmarking twice, then both answer "Post bookmarked"; removing twice, both answer "Bookmark removed"', async () => {
    const id = await createPost(stack, bob, 'keep me');
    for (let i = 0; i < 2; i += 1) {
      const response = await rest('POST', bookmarkPath(id), { token: alice.token });
      expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: { message: 'Post bookmarked', bookmarked: true } });
    }
    expect((await rest('GET', BOOKMARKS, { token: alice.token })).body.map((post: { id: string }) => post.id)).toEqual([id]);
    for (let i = 0; i < 2; i += 1) {
      const response = await rest('DELETE', bookmarkPath(id), { token: alice.token });
      expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: { message: 'Bookmark removed', bookmarked: false } });
    }
    expect((await rest('GET', BOOKMARKS, { token: alice.token })).body).toEqual([]);
  });

  test.each(['POST', 'DELETE'])('when %s names an unknown post, then 404 "Post not found"', async (method) => {
    expectError(await rest(method, bookmarkPath(unknownId()), { token: alice.token }), 404, 'NOT_FOUND', 'Post not found');
  });

  test.each(['POST', 'DELETE'])('when %s names a malformed id, then 422 at [path, id]', async (method) => {
    expectValidationError(await rest(method, bookmarkPath(MALFORMED_ID), { token: alice.token }), ['path', 'id'], 'string_pattern_mismatch');
  });

  test.each(['POST', 'DELETE'])('when %s is anonymous, then 401 and nothing is stored', async (method) => {
    const id = await createPost(stack, bob);
    expectError(await rest(method, bookmarkPath(id)), 401, 'UNAUTHENTICATED');
    expect(await stack.users.connection.collection('bookmarks').countDocuments({ postId: new Types.ObjectId(id) })).toBe(0);
  });
});

describe('GET /posts-api/v1/bookmarks', () => {
  test('when signed in, then 200 with the bookmarked posts in the REST post shape, most recently bookmarked first', async () => {
    const reader = await registerUser(stack);
    const [older, newer] = [await createPost(stack, bob, 'older post'), await createPost(stack, bob, 'newer post')];
    await rest('POST', bookmarkPath(newer), { token: reader.token });
    await rest('POST', bookmarkPath(older), { token: reader.token });
    const response = await rest('GET', BOOKMARKS, { token: reader.token });
    expect(response.status).toBe(200);
    expect(nextLink(response)).toBeUndefined();
    expect(response.body).toEqual([
      {
        id: older,
        content: 'older post',
        author: authorOf(bob),
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        editedAt: null,
        likeCount: 0,
        commentCount: 0,
        likedByMe: false,
      },
      expect.objectContaining({ id: newer, content: 'newer post' }),
    ]);
  });

  test('when listing 5 bookmarks with limit=2, then pages of 2, 2, 1 linked by Link headers, as the feed does', async () => {
    const reader = await registerUser(stack);
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const id = await createPost(stack, bob, `paged ${i}`);
      await rest('POST', bookmarkPath(id), { token: reader.token });
      ids.push(id);
    }
    const first = await rest('GET', `${BOOKMARKS}?limit=2`, { token: reader.token });
    expect(first.headers.get('link')).toMatch(/^<http:\/\/[^>]+\/posts-api\/v1\/bookmarks\?limit=2&cursor=[^>]+>; rel="next"$/);
    const { pages, items } = await readAllPages(rest, `${BOOKMARKS}?limit=2`, reader.token);
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(items.map((post) => post.id)).toEqual([...ids].reverse());
  });

  test('when a bookmarked post is deleted, then it leaves the list', async () => {
    const reader = await registerUser(stack);
    const id = await createPost(stack, bob, 'soon gone');
    await rest('POST', bookmarkPath(id), { token: reader.token });
    expect((await rest('DELETE', `/posts-api/v1/posts/${id}`, { token: bob.token })).status).toBe(200);
    await eventually(async () => expect((await rest('GET', BOOKMARKS, { token: reader.token })).body).toEqual([]));
  });

  test('when anonymous, then 401', async () => {
    expectError(await rest('GET', BOOKMARKS), 401, 'UNAUTHENTICATED');
  });

  test.each([
    ['limit=0', 'greater_than_equal'],
    ['limit=101', 'less_than_equal'],
    ['limit=abc', 'int_parsing'],
  ])('when the query has %s, then 422 at [query, limit]', async (query, type) => {
    expectValidationError(await rest('GET', `${BOOKMARKS}?${query}`, { token: alice.token }), ['query', 'limit'], type);
  });

  test('when the cursor is not one the API gave, then 400 BAD_USER_INPUT', async () => {
    expectError(await rest('GET', `${BOOKMARKS}?cursor=bm90LWEtY3Vyc29y`, { token: alice.token }), 400, 'BAD_USER_INPUT');
  });
});
