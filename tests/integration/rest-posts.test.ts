import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  createPost,
  registerUser,
  type TestUser,
  expectError,
  expectValidationError,
  MALFORMED_ID,
  nextLink,
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

const POSTS = '/posts-api/v1/posts';
const postPath = (id: string, suffix = '') => `${POSTS}/${id}${suffix}`;
const authorOf = (user: TestUser) => ({ id: user.id, username: user.username, name: `Name of ${user.username}` });
const storedPosts = (filter: Record<string, unknown>) => stack.posts.connection.collection('posts').countDocuments(filter);

beforeAll(async () => {
  stack = await startStack();
  rest = restClient(stack);
  [alice, bob] = await Promise.all([registerUser(stack), registerUser(stack)]);
});

afterAll(() => stack?.stop());

describe('GET /posts-api/v1/feed', () => {
  test('when signed in, then 200 with own posts newest first in the REST post shape', async () => {
    const [older, newer] = [await createPost(stack, alice, 'feed one'), await createPost(stack, alice, 'feed two')];
    const response = await rest('GET', '/posts-api/v1/feed', { token: alice.token });
    expect(response.status).toBe(200);
    expect(response.body.map((post: { id: string }) => post.id).slice(0, 2)).toEqual([newer, older]);
    expect(response.body[0]).toEqual({
      id: newer,
      content: 'feed two',
      author: authorOf(alice),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      editedAt: null,
      likeCount: 0,
      commentCount: 0,
      likedByMe: false,
    });
  });

  test('when anonymous, then 401', async () => {
    expectError(await rest('GET', '/posts-api/v1/feed'), 401, 'UNAUTHENTICATED');
  });

  test('when the bearer token is garbage, then 401', async () => {
    expectError(await rest('GET', '/posts-api/v1/feed', { token: 'not.a.jwt' }), 401, 'UNAUTHENTICATED');
  });

  test.each([
    ['0', 'greater_than_equal'],
    ['101', 'less_than_equal'],
    ['abc', 'int_parsing'],
  ])('when limit=%s, then 422 at [query, limit] (%s)', async (limit, type) => {
    expectValidationError(await rest('GET', `/posts-api/v1/feed?limit=${limit}`, { token: alice.token }), ['query', 'limit'], type);
  });

  test('when an unknown query parameter is sent (?_=cache-buster), then it is ignored, as FastAPI does', async () => {
    const response = await rest('GET', '/posts-api/v1/feed?limit=1&_=123', { token: alice.token });
    expect(response.status).toBe(200);
    expect(response.body).toHaveLength(1);
  });

  test('when the cursor is not one the API gave, then 400 BAD_USER_INPUT', async () => {
    expectError(await rest('GET', '/posts-api/v1/feed?cursor=garbage', { token: alice.token }), 400, 'BAD_USER_INPUT');
  });
});

describe('POST /posts-api/v1/posts', () => {
  test('when signed in, then 201 with the post, trimmed, authored by the caller', async () => {
    const response = await rest('POST', POSTS, { token: alice.token, body: { content: '  hello REST  ' } });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ id: expect.any(String), content: 'hello REST', author: authorOf(alice), editedAt: null, likeCount: 0 });
  });

  test('when authorId is the caller (in upper case), then 201', async () => {
    const response = await rest('POST', POSTS, { token: alice.token, body: { content: 'mine', authorId: alice.id.toUpperCase() } });
    expect(response.status).toBe(201);
    expect(response.body.author.id).toBe(alice.id);
  });

  test('when authorId names another user, then 403 and nothing stored', async () => {
    const content = `impersonation ${unknownId()}`;
    expectError(await rest('POST', POSTS, { token: alice.token, body: { content, authorId: bob.id } }), 403, 'FORBIDDEN');
    expect(await storedPosts({ content })).toBe(0);
  });

  test('when anonymous, then 401 and nothing stored', async () => {
    const content = `anonymous ${unknownId()}`;
    expectError(await rest('POST', POSTS, { body: { content } }), 401, 'UNAUTHENTICATED');
    expect(await storedPosts({ content })).toBe(0);
  });

  test.each([
    ['empty', '', 'string_too_short'],
    ['281 characters', 'x'.repeat(281), 'string_too_long'],
  ])('when the content is %s, then 422 at [body, content]', async (_case, content, type) => {
    expectValidationError(await rest('POST', POSTS, { token: alice.token, body: { content } }), ['body', 'content'], type);
  });

  test('when the content is whitespace only, then 400 BAD_USER_INPUT', async () => {
    expectError(await rest('POST', POSTS, { token: alice.token, body: { content: ' \n\t ' } }), 400, 'BAD_USER_INPUT');
  });
});

describe('GET /posts-api/v1/posts/{id}', () => {
  test('when the post exists, then 200 with the post and its comments oldest first', async () => {
    const id = await createPost(stack, alice, 'with comments');
    for (const content of ['first', 'second']) expect((await rest('POST', postPath(id, '/comments'), { token: bob.token, body: { content } })).status).toBe(201);
    const response = await rest('GET', postPath(id));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id, content: 'with comments', author: authorOf(alice), commentCount: 2 });
    expect(response.body.comments.map((comment: { content: string }) => comment.content)).toEqual(['first', 'second']);
    expect(response.body.comments[0]).toMatchObject({ postId: id, author: authorOf(bob) });
  });

  test('when the post does not exist, then 404 "Post not found"', async () => {
    expectError(await rest('GET', postPath(unknownId())), 404, 'NOT_FOUND', 'Post not found');
  });

  test('when the id is malformed, then 422 at [path, id]', async () => {
    expectValidationError(await rest('GET', postPath(MALFORMED_ID)), ['path', 'id'], 'string_pattern_mismatch');
  });
});

describe('PUT /posts-api/v1/posts/{id}', () => {
  test('when the author edits, then 200 with the new content and editedAt set', async () => {
    const id = await createPost(stack, alice, 'before');
    const response = await rest('PUT', postPath(id), { token: alice.token, body: { content: 'after' } });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id, content: 'after', editedAt: expect.any(String) });
    expect((await rest('GET', postPath(id))).body.content).toBe('after');
  });

  test('when another user edits, then 403 and the post is unchanged', async () => {
    const id = await createPost(stack, alice, 'untouched');
    expectError(await rest('PUT', postPath(id), { token: bob.token, body: { content: 'hijacked' } }), 403, 'FORBIDDEN');
    expect((await rest('GET', postPath(id))).body).toMatchObject({ content: 'untouched', editedAt: null });
  });

  test('when the post does not exist, then 404', async () => {
    expectError(await rest('PUT', postPath(unknownId()), { token: alice.token, body: { content: 'x' } }), 404, 'NOT_FOUND');
  });

  test('when anonymous, then 401', async () => {
    const id = await createPost(stack, alice);
    expectError(await rest('PUT', postPath(id), { body: { content: 'x' } }), 401, 'UNAUTHENTICATED');
  });
});

describe('DELETE /posts-api/v1/posts/{id}', () => {
  test('when the author deletes, then 200 "Post deleted" and the post is gone', async () => {
    const id = await createPost(stack, alice);
    const response = await rest('DELETE', postPath(id), { token: alice.token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ message: 'Post deleted' });
    expectError(await rest('GET', postPath(id)), 404, 'NOT_FOUND');
    expectError(await rest('DELETE', postPath(id), { token: alice.token }), 404, 'NOT_FOUND');
  });

  test('when another user deletes, then 403 and the post stays', async () => {
    const id = await createPost(stack, alice);
    expectError(await rest('DELETE', postPath(id), { token: bob.token }), 403, 'FORBIDDEN');
    expect((await rest('GET', postPath(id))).status).toBe(200);
  });
});

describe('comments', () => {
  test('when a user comments, then 201 with {id, postId, content, author, createdAt}', async () => {
    const id = await createPost(stack, alice);
    const response = await rest('POST', postPath(id, '/comments'), { token: bob.token, body: { content: ' nice ' } });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ id: expect.any(String), postId: id, content: 'nice', author: authorOf(bob), createdAt: expect.any(String) });
  });

  test('when commenting on an unknown post, then 404; anonymously, then 401; empty, then 422', async () => {
    const id = await createPost(stack, alice);
    expectError(await rest('POST', postPath(unknownId(), '/comments'), { token: bob.token, body: { content: 'x' } }), 404, 'NOT_FOUND');
    expectError(await rest('POST', postPath(id, '/comments'), { body: { content: 'x' } }), 401, 'UNAUTHENTICATED');
    expectValidationError(await rest('POST', postPath(id, '/comments'), { token: bob.token, body: { content: '' } }), ['body', 'content'], 'string_too_short');
  });

  test('when listing 5 comments with limit=2, then pages of 2, 2, 1 oldest first linked by Link headers', async () => {
    const id = await createPost(stack, alice);
    const contents = ['c1', 'c2', 'c3', 'c4', 'c5'];
    for (const content of contents) await rest('POST', postPath(id, '/comments'), { token: bob.token, body: { content } });
    const { pages, items } = await readAllPages(rest, postPath(id, '/comments?limit=2'));
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(items.map((comment) => comment.content)).toEqual(contents);
  });

  test('when listing comments of an unknown post, then 404', async () => {
    expectError(await rest('GET', postPath(unknownId(), '/comments')), 404, 'NOT_FOUND');
  });
});

describe.each(['/like', '/likes'])('likes via %s', (suffix) => {
  test('when liking twice, then both answer "Post liked" with a count of 1; unliking twice answers "Like removed" with 0', async () => {
    const id = await createPost(stack, alice);
    for (let i = 0; i < 2; i += 1) {
      const response = await rest('POST', postPath(id, suffix), { token: bob.token });
      expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: { message: 'Post liked', liked: true, likeCount: 1 } });
    }
    expect((await rest('GET', postPath(id), { token: bob.token })).body).toMatchObject({ likeCount: 1, likedByMe: true });
    for (let i = 0; i < 2; i += 1) {
      const response = await rest('DELETE', postPath(id, suffix), { token: bob.token });
      expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: { message: 'Like removed', liked: false, likeCount: 0 } });
    }
  });

  test('when the post is unknown, then 404 to like and unlike; anonymous, then 401', async () => {
    for (const method of ['POST', 'DELETE']) {
      expectError(await rest(method, postPath(unknownId(), suffix), { token: bob.token }), 404, 'NOT_FOUND');
      expectError(await rest(method, postPath(unknownId(), suffix)), 401, 'UNAUTHENTICATED');
    }
  });
});

describe('routing errors', () => {
  test('when PATCH is sent to a post path, then 405 with an Allow header listing its methods', async () => {
    const response = await rest('PATCH', postPath(unknownId()), { token: alice.token, body: { content: 'x' } });
    expectError(response, 405, 'METHOD_NOT_ALLOWED');
    const allowed = response.headers.get('allow')?.split(/,\s*/) ?? [];
    expect(allowed).toEqual(expect.arrayContaining(['GET', 'PUT', 'DELETE']));
    expect(allowed).not.toContain('PATCH');
  });

  test('when a post path has a trailing slash, then 404 rather than a 405 that allows the very method refused', async () => {
    const id = await createPost(stack, alice);
    const response = await rest('GET', postPath(id, '/'));
    expectError(response, 404, 'NOT_FOUND', /^Not Found$/);
    expect(response.headers.get('allow')).toBeNull();
  });

  test('when the route does not exist, then 404 {detail: "Not Found"}', async () => {
    const response = await rest('GET', '/posts-api/v1/nothing-here');
    expectError(response, 404, 'NOT_FOUND', /^Not Found$/);
    expect(nextLink(response)).toBeUndefined();
  });
});
