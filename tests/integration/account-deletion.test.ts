import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Connection } from 'mongoose';
import {
  createPost,
  errorCodes,
  eventually,
  expectError,
  expectValidationError,
  follow,
  PASSWORD,
  registerUser,
  restClient,
  startStack,
  type Rest,
  type Stack,
  type TestUser,
} from '@chirp/test-kit';

/**
 * Deleting an account, end to end: auth removes it at once, and its deletion, on auth's account
 * stream, reaches users and posts, which remove everything of it. Then no collection of any service
 * holds anything of the account but the record that it was deleted (deleted_accounts, which keeps
 * late writes and late events out and expires after a week).
 */
const SESSION_CHECK_SECONDS = 2;
const WITHIN_BOUND = { timeoutMs: SESSION_CHECK_SECONDS * 1000 + 2000, intervalMs: 100 };
/** The stream workers' part: seconds, not the default 15 of `eventually`'s patience. */
const WITHIN_SECONDS = { timeoutMs: 10_000, intervalMs: 100 };

let stack: Stack;
let rest: Rest;

beforeAll(async () => {
  stack = await startStack({ SESSION_CHECK_SECONDS: String(SESSION_CHECK_SECONDS) });
  rest = restClient(stack);
});
afterAll(() => stack?.stop());

const ok = async (query: string, variables: Record<string, unknown>, user: TestUser) => {
  const response = await stack.graphql(query, variables, { token: user.token });
  expect(response.errors).toBeUndefined();
  return response.data!;
};

/** Every collection, in every service's database, with a document that mentions `userId`, and how many. */
async function tracesOf(userId: string): Promise<Record<string, number>> {
  const traces: Record<string, number> = {};
  for (const name of ['auth', 'users', 'posts'] as const) {
    const connection: Connection = stack[name].connection;
    for (const { name: collection } of await connection.db!.listCollections().toArray()) {
      const documents = await connection.db!.collection(collection).find().toArray();
      const mentioning = documents.filter((document) => JSON.stringify(document).includes(userId)).length;
      if (mentioning > 0) traces[`${name}.${collection}`] = mentioning;
    }
  }
  return traces;
}

/**
 * Ada, about to go, has done everything an account can: a profile, two sessions, a failed sign-in,
 * a follow each way, posts with likes, comments and bookmarks by others, likes, comments and a
 * bookmark of her own on Ben's post, and her posts in Cat's timeline.
 */
async function busyAccount() {
  const [ada, ben, cat] = [await registerUser(stack), await registerUser(stack), await registerUser(stack)];
  await ok('mutation { updateProfile(input: { bio: "Leaving soon." }) { id } }', {}, ada);
  await stack.graphql('mutation ($input: LoginInput!) { login(input: $input) { token } }', { input: { username: ada.username, password: PASSWORD } });
  await stack.graphql('mutation ($input: LoginInput!) { login(input: $input) { token } }', { input: { username: ada.username, password: 'a wrong guess' } });
  await follow(stack, ada, ben);
  await follow(stack, cat, ada);
  const adaPosts = [await createPost(stack, ada, 'first of mine'), await createPost(stack, ada, 'second of mine')];
  const benPost = await createPost(stack, ben, 'by Ben');
  await ok('mutation ($id: ID!) { likePost(postId: $id) { id } }', { id: benPost }, ada);
  await ok('mutation ($id: ID!) { addComment(postId: $id, input: { content: "nice, Ben" }) { id } }', { id: benPost }, ada);
  await ok('mutation ($id: ID!) { bookmarkPost(postId: $id) { id } }', { id: benPost }, ada);
  await ok('mutation ($id: ID!) { likePost(postId: $id) { id } }', { id: adaPosts[0] }, ben);
  await ok('mutation ($id: ID!) { addComment(postId: $id, input: { content: "nice, Ada" }) { id } }', { id: adaPosts[0] }, ben);
  await ok('mutation ($id: ID!) { bookmarkPost(postId: $id) { id } }', { id: adaPosts[0] }, ben);
  await ok('mutation ($id: ID!) { bookmarkPost(postId: $id) { id } }', { id: benPost }, ben);
  await eventually(async () => {
    const data = await ok('{ me { feed { edges { node { id } } } } }', {}, cat);
    expect(data.me.feed.edges.map((edge: { node: { id: string } }) => edge.node.id).sort()).toEqual([...adaPosts].sort());
  });
  return { ada, ben, cat, adaPosts, benPost };
}

/** What Ben and Cat see once the deletion has gone round: nothing of Ada, and their own things whole. */
async function expectGoneForOthers({ ada, ben, cat, benPost }: Awaited<ReturnType<typeof busyAccount>>) {
  await eventually(async () => {
    const seenByCat = await ok('{ me { followingCount following { edges { node { id } } } feed { edges { node { id } } } } }', {}, cat);
    expect(seenByCat.me).toEqual({ followingCount: 0, following: { edges: [] }, feed: { edges: [] } });

    const seenByBen = await ok(
      `query ($post: ID!) {
        me { followersCount followers { edges { node { id } } } bookmarks { edges { node { id } } } }
        post(id: $post) { likeCount likedByViewer commentCount comments { edges { node { content } } } }
      }`,
      { post: benPost },
      ben,
    );
    expect(seenByBen.me).toEqual({ followersCount: 0, followers: { edges: [] }, bookmarks: { edges: [{ node: { id: benPost } }] } });
    expect(seenByBen.post).toEqual({ likeCount: 0, likedByViewer: false, commentCount: 0, comments: { edges: [] } });

    expect(await tracesOf(ada.id)).toEqual({ 'users.deleted_accounts': 1, 'posts.deleted_accounts': 1 });
  }, WITHIN_SECONDS);
  const anyone = await stack.graphql('query ($id: ID!) { user(id: $id) { id } }', { id: ada.id }, { token: ben.token });
  expect(anyone.data).toEqual({ user: null });
}

describe('deleteAccount through GraphQL', () => {
  test('when an account is deleted, then it is gone at once, and within seconds nothing of it is left in any collection of any service', async () => {
    const account = await busyAccount();
    const { ada } = account;
    expect(await ok('mutation ($password: String!) { deleteAccount(password: $password) }', { password: PASSWORD }, ada)).toEqual({ deleteAccount: true });

    // At once: the username and e-mail are free, and auth holds nothing of the account.
    const again = await registerUser(stack, { username: ada.username });
    expect(again.id).not.toBe(ada.id);
    const auth = await tracesOf(ada.id);
    expect(Object.keys(auth).filter((collection) => collection.startsWith('auth.'))).toEqual([]);

    await eventually(async () => {
      const refused = await stack.graphql('{ me { id } }', {}, { token: ada.token });
      expect(refused.status).toBe(401);
      expect(errorCodes(refused)).toEqual(['UNAUTHENTICATED']);
    }, WITHIN_BOUND);
    await expectGoneForOthers(account);
  });

  test('when the password is wrong, then it is BAD_USER_INPUT and nothing is deleted', async () => {
    const ada = await registerUser(stack);
    const postId = await createPost(stack, ada);
    const refused = await stack.graphql('mutation { deleteAccount(password: "not the password") }', {}, { token: ada.token });
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.errors![0]!.extensions).toMatchObject({ field: 'password' });
    expect((await ok('query ($id: ID!) { post(id: $id) { author { id } } }', { id: postId }, ada)).post.author.id).toBe(ada.id);
    expect((await ok('{ me { id } }', {}, ada)).me.id).toBe(ada.id);
  });

  test('when anonymous, then deleteAccount is UNAUTHENTICATED', async () => {
    expect(errorCodes(await stack.graphql('mutation { deleteAccount(password: "x") }'))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('DELETE /auth-api/v1/me', () => {
  test('when a REST client deletes its account, then the answer is 200 and the account goes everywhere, as through GraphQL', async () => {
    const account = await busyAccount();
    const deleted = await rest('DELETE', '/auth-api/v1/me', { token: account.ada.token, body: { password: PASSWORD } });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ message: 'Account deleted' });
    await eventually(async () => expectError(await rest('GET', '/auth-api/v1/me', { token: account.ada.token }), 401, 'UNAUTHENTICATED'), WITHIN_BOUND);
    await expectGoneForOthers(account);
    expectError(await rest('GET', `/posts-api/v1/posts/${account.adaPosts[0]}`), 404, 'NOT_FOUND');
  });

  test('when the password is wrong, then it is a 400 and the account stays; without a password, a 422', async () => {
    const ada = await registerUser(stack);
    expectError(await rest('DELETE', '/auth-api/v1/me', { token: ada.token, body: { password: 'nope' } }), 400, 'BAD_USER_INPUT');
    expectValidationError(await rest('DELETE', '/auth-api/v1/me', { token: ada.token, body: {} }), ['body', 'password'], 'missing');
    expect((await rest('GET', '/auth-api/v1/me', { token: ada.token })).status).toBe(200);
  });
});
