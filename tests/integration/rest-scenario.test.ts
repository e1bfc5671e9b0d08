import { afterAll, beforeAll, expect, test } from '@jest/globals';
import {
  eventually,
  PASSWORD,
  uniqueUsername,
  expectError,
  readAllPages,
  restClient,
  type Rest,
  startStack,
  type Stack,
} from '@chirp/test-kit';

let stack: Stack;
let rest: Rest;

beforeAll(async () => {
  stack = await startStack();
  rest = restClient(stack);
});

afterAll(() => stack?.stop());

/** Expects `status` and returns the body. */
async function ok(status: number, method: string, path: string, options: Parameters<Rest>[2] = {}) {
  const response = await rest(method, path, options);
  expect({ status: response.status, body: response.body }).toEqual({ status, body: expect.anything() });
  return response.body;
}

async function signUp() {
  const username = uniqueUsername('story');
  const body = { username, password: PASSWORD, name: `Name of ${username}`, email: `${username.toLowerCase()}@example.com` };
  const { user } = await ok(201, 'POST', '/auth-api/v1/register', { body });
  const { token } = await ok(200, 'POST', '/auth-api/v1/login', { body: { username, password: PASSWORD } });
  return { ...user, token };
}

test('when two users register, post, comment, like, follow, read the feed, edit and delete over REST, then every step answers as the original API did', async () => {
  const [ana, ben] = [await signUp(), await signUp()];

  const first = await ok(201, 'POST', '/posts-api/v1/posts', { token: ana.token, body: { content: 'first chirp' } });
  const postPath = `/posts-api/v1/posts/${first.id}`;
  const comment = await ok(201, 'POST', `${postPath}/comments`, { token: ben.token, body: { content: 'welcome!' } });
  expect(comment).toMatchObject({ postId: first.id, author: { id: ben.id } });

  for (let i = 0; i < 2; i += 1) {
    expect(await ok(200, 'POST', `${postPath}/like`, { token: ben.token })).toEqual({ message: 'Post liked', liked: true, likeCount: 1 });
  }
  expect(await ok(200, 'GET', postPath, { token: ben.token })).toMatchObject({
    likeCount: 1,
    likedByMe: true,
    commentCount: 1,
    comments: [{ id: comment.id, content: 'welcome!' }],
  });
  expect(await ok(200, 'DELETE', `${postPath}/likes`, { token: ben.token })).toEqual({ message: 'Like removed', liked: false, likeCount: 0 });

  expect(await ok(200, 'POST', `/users-api/v1/users/${ana.id}/follow`, { token: ben.token })).toEqual({
    message: `You are now following ${ana.username}`,
    following: true,
  });
  const second = await ok(201, 'POST', '/posts-api/v1/posts', { token: ana.token, body: { content: 'second chirp' } });
  const own = await ok(201, 'POST', '/posts-api/v1/posts', { token: ben.token, body: { content: "ben's chirp" } });
  // Ana's new post reaches Ben's timeline through the timeline worker, a moment after it is written.
  await eventually(async () => {
    const { pages, items } = await readAllPages(rest, '/posts-api/v1/feed?limit=2', ben.token);
    expect(pages).toHaveLength(2);
    expect(items.map((post) => post.id)).toEqual([own.id, second.id, first.id]);
  });

  expect(await ok(200, 'PUT', postPath, { token: ana.token, body: { content: 'first chirp, edited' } })).toMatchObject({
    content: 'first chirp, edited',
    editedAt: expect.any(String),
  });
  expect(await ok(200, 'DELETE', postPath, { token: ana.token })).toEqual({ message: 'Post deleted' });
  expectError(await rest('GET', postPath), 404, 'NOT_FOUND', 'Post not found');
  expectError(await rest('GET', `${postPath}/comments`), 404, 'NOT_FOUND');
  expect((await ok(200, 'GET', '/posts-api/v1/feed', { token: ben.token })).map((post: { id: string }) => post.id)).toEqual([own.id, second.id]);
});
