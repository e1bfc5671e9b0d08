import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  createPost,
  follow,
  registerUser,
  type TestUser,
  expectError,
  expectValidationError,
  MALFORMED_ID,
  readAllPages,
  restClient,
  unknownId,
  type Rest,
  startStack,
  type Stack,
} from '@chirp/test-kit';

let stack: Stack;
let rest: Rest;
let alice: TestUser;
let bob: TestUser;

const userPath = (id: string, suffix: string) => `/users-api/v1/users/${id}/${suffix}`;
const ids = (items: { id: string }[]) => items.map((item) => item.id);

beforeAll(async () => {
  stack = await startStack();
  rest = restClient(stack);
  [alice, bob] = await Promise.all([registerUser(stack), registerUser(stack)]);
});

afterAll(() => stack?.stop());

describe('follow and unfollow', () => {
  test('when following twice, then both answer with the username and following: true, and there is one follow', async () => {
    const [carol, dave] = await Promise.all([registerUser(stack), registerUser(stack)]);
    for (let i = 0; i < 2; i += 1) {
      const response = await rest('POST', userPath(dave.id, 'follow'), { token: carol.token });
      expect({ status: response.status, body: response.body }).toEqual({
        status: 200,
        body: { message: `You are now following ${dave.username}`, following: true },
      });
    }
    expect(ids((await rest('GET', userPath(dave.id, 'followers'))).body)).toEqual([carol.id]);
    expect(ids((await rest('GET', userPath(carol.id, 'following'))).body)).toEqual([dave.id]);
  });

  test('when unfollowing twice, then both answer with the username and following: false, and the follow is gone', async () => {
    const [carol, dave] = await Promise.all([registerUser(stack), registerUser(stack)]);
    await follow(stack, carol, dave);
    for (let i = 0; i < 2; i += 1) {
      const response = await rest('POST', userPath(dave.id, 'unfollow'), { token: carol.token });
      expect({ status: response.status, body: response.body }).toEqual({
        status: 200,
        body: { message: `You are no longer following ${dave.username}`, following: false },
      });
    }
    expect((await rest('GET', userPath(dave.id, 'followers'))).body).toEqual([]);
  });

  test.each(['follow', 'unfollow'])('when a user tries to %s themself, then 400 BAD_USER_INPUT', async (action) => {
    expectError(await rest('POST', userPath(alice.id, action), { token: alice.token }), 400, 'BAD_USER_INPUT');
  });

  test.each(['follow', 'unfollow'])('when the user to %s does not exist, then 404', async (action) => {
    expectError(await rest('POST', userPath(unknownId(), action), { token: alice.token }), 404, 'NOT_FOUND');
  });

  test.each(['follow', 'unfollow'])('when anonymous tries to %s, then 401 and nothing changes', async (action) => {
    expectError(await rest('POST', userPath(bob.id, action)), 401, 'UNAUTHENTICATED');
    expect((await rest('GET', userPath(bob.id, 'followers'))).body).toEqual([]);
  });

  test('when the id is malformed, then 422 at [path, id]', async () => {
    expectValidationError(await rest('POST', userPath(MALFORMED_ID, 'follow'), { token: alice.token }), ['path', 'id'], 'string_pattern_mismatch');
  });
});

describe('followers, following and posts lists', () => {
  let target: TestUser;
  /** What each list of `target` holds, newest first, as the routes order them. */
  const expected: Record<string, string[]> = {};

  beforeAll(async () => {
    target = await registerUser(stack);
    const others = await Promise.all(Array.from({ length: 5 }, () => registerUser(stack)));
    const posts: string[] = [];
    for (const other of others) {
      await follow(stack, other, target);
      await follow(stack, target, other);
      posts.push(await createPost(stack, target, `post by target ${posts.length}`));
    }
    expected.followers = ids(others).reverse();
    expected.following = ids(others).reverse();
    expected.posts = posts.reverse();
  });

  test.each(['followers', 'following'])('when listing %s, then a plain array of users without email', async (list) => {
    for (const token of [undefined, bob.token]) {
      const response = await rest('GET', userPath(target.id, list), { token });
      expect(response.status).toBe(200);
      expect(ids(response.body)).toEqual(expected[list]);
      for (const user of response.body) expect(Object.keys(user).sort()).toEqual(['createdAt', 'id', 'name', 'username']);
    }
  });

  test('when listing posts, then a plain array of REST posts by the user', async () => {
    const response = await rest('GET', userPath(target.id, 'posts'), { token: bob.token });
    expect(response.status).toBe(200);
    expect(ids(response.body)).toEqual(expected.posts);
    expect(response.body[0]).toMatchObject({ author: { id: target.id, username: target.username }, likedByMe: false, editedAt: null });
  });

  test.each(['followers', 'following', 'posts'])(
    'when reading %s with limit=2, then the Link headers lead through pages of 2, 2, 1 with every item once and no Link on the last (nor with limit=5)',
    async (list) => {
      const { pages, items } = await readAllPages(rest, userPath(target.id, `${list}?limit=2`));
      expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
      expect(ids(items)).toEqual(expected[list]);
      const exact = await readAllPages(rest, userPath(target.id, `${list}?limit=5`));
      expect(exact.pages.map((page) => page.length)).toEqual([5]);
    },
  );

  test.each(['followers', 'following', 'posts'])('when listing %s of an unknown user, then 404', async (list) => {
    expectError(await rest('GET', userPath(unknownId(), list)), 404, 'NOT_FOUND');
  });

  test.each(['followers', 'following', 'posts'])('when listing %s with a bad limit, id or cursor, then 422, 422, 400', async (list) => {
    expectValidationError(await rest('GET', userPath(target.id, `${list}?limit=0`)), ['query', 'limit'], 'greater_than_equal');
    expectValidationError(await rest('GET', userPath(MALFORMED_ID, list)), ['path', 'id'], 'string_pattern_mismatch');
    expectError(await rest('GET', userPath(target.id, `${list}?cursor=garbage`)), 400, 'BAD_USER_INPUT');
  });
});
