import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Types } from 'mongoose';
import { createPost, registerUser, type TestUser, startStack, type Stack } from '@chirp/test-kit';

const LIKERS = 20;
const LIKE = `mutation ($postId: ID!) { likePost(postId: $postId) { likeCount likedByViewer } }`;
const UNLIKE = `mutation ($postId: ID!) { unlikePost(postId: $postId) { likeCount likedByViewer } }`;
const POST = `query ($id: ID!) { post(id: $id) { likeCount likedByViewer } }`;

let stack: Stack;
let author: TestUser;
let users: TestUser[];

/** Every user sends the mutation `times` times, all requests in flight at once; each must succeed. */
async function concurrently(mutation: string, postId: string, who: TestUser[], times: number): Promise<void> {
  const responses = await Promise.all(
    who.flatMap((user) => Array.from({ length: times }, () => stack.graphql(mutation, { postId }, { token: user.token }))),
  );
  expect(responses.flatMap((response) => response.errors ?? [])).toEqual([]);
}

/** The counter on the post, the like documents stored for it, and what each user sees as likedByViewer. */
async function likeState(postId: string) {
  const likeCount = (await stack.graphql(POST, { id: postId })).data?.post.likeCount;
  const stored = await stack.posts.connection.collection('likes').countDocuments({ postId: new Types.ObjectId(postId) });
  const likedBy = await Promise.all(
    users.map(async (user) => (await stack.graphql(POST, { id: postId }, { token: user.token })).data?.post.likedByViewer),
  );
  return { likeCount, stored, likedBy };
}

beforeAll(async () => {
  stack = await startStack();
  const registered = await Promise.all(Array.from({ length: LIKERS + 1 }, () => registerUser(stack)));
  author = registered[0]!;
  users = registered.slice(1);
});

afterAll(() => stack?.stop());

test('when 20 users like one post concurrently, 3 times each, then likeCount is 20 and equals the stored likes', async () => {
  const postId = await createPost(stack, author);
  await concurrently(LIKE, postId, users, 3);
  expect(await likeState(postId)).toEqual({ likeCount: LIKERS, stored: LIKERS, likedBy: users.map(() => true) });
});

test('when half of 20 likers then unlike concurrently, twice each, then likeCount is 10 and equals the stored likes', async () => {
  const postId = await createPost(stack, author);
  await concurrently(LIKE, postId, users, 3);
  const leaving = users.filter((_user, index) => index % 2 === 0);
  await concurrently(UNLIKE, postId, leaving, 2);
  expect(await likeState(postId)).toEqual({
    likeCount: LIKERS / 2,
    stored: LIKERS / 2,
    likedBy: users.map((user) => !leaving.includes(user)),
  });
});
