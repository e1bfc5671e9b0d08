import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Types } from 'mongoose';
import { subgraph as usersSubgraph } from '@chirp/users-subgraph';
import { rebuildSubgraphWorker } from '@chirp/subgraph-kit';
import { createPost, errorCodes, eventually, follow, registerUser, startStack, type Stack, type TestUser } from '@chirp/test-kit';

/**
 * What the users subgraph does when an account is deleted: its deletions worker follows auth's account
 * stream. The deletion is made here by removing the account's document from auth's database, which is
 * the event `deleteAccount` causes (its own tests go through the mutation).
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const oid = (id: string) => new Types.ObjectId(id);
const usersDb = () => stack.users.connection;
const edgesOf = (userId: string) => usersDb().collection('follows').countDocuments({ $or: [{ followerId: oid(userId) }, { followeeId: oid(userId) }] });
const statsOf = (userId: string) => usersDb().collection('user_stats').findOne({ _id: oid(userId) });
const bookmarksOf = (userId: string) => usersDb().collection('bookmarks').countDocuments({ userId: oid(userId) });
const tombstoneOf = (userId: string) => usersDb().collection('deleted_accounts').findOne({ _id: userId as never });

async function deleteFromAuth(user: TestUser): Promise<void> {
  const { deletedCount } = await stack.auth.connection.collection('users').deleteOne({ _id: oid(user.id) });
  expect(deletedCount).toBe(1);
}

async function counts(user: TestUser): Promise<{ followersCount: number; followingCount: number }> {
  const response = await stack.graphql<{ user: { followersCount: number; followingCount: number } }>(
    `query ($id: ID!) { user(id: $id) { followersCount followingCount } }`,
    { id: user.id },
  );
  expect(response.errors).toBeUndefined();
  return response.data!.user;
}

async function bookmark(user: TestUser, postId: string): Promise<void> {
  const response = await stack.graphql(`mutation ($id: ID!) { bookmarkPost(postId: $id) { id } }`, { id: postId }, { token: user.token });
  expect(response.errors).toBeUndefined();
}

const followMutation = (viewer: TestUser, target: TestUser) =>
  stack.graphql(`mutation ($id: ID!) { follow(userId: $id) { id } }`, { id: target.id }, { token: viewer.token });

describe('when an account is deleted', () => {
  let doomed: TestUser;
  let fan: TestUser;
  let idol: TestUser;
  let friend: TestUser;
  let postId: string;

  beforeAll(async () => {
    [doomed, fan, idol, friend] = await Promise.all([registerUser(stack), registerUser(stack), registerUser(stack), registerUser(stack)]);
    // Edges both ways, and others that must stay: fan -> idol, friend <-> fan.
    await follow(stack, fan, doomed);
    await follow(stack, friend, doomed);
    await follow(stack, doomed, idol);
    await follow(stack, doomed, friend);
    await follow(stack, fan, idol);
    await follow(stack, friend, fan);
    await follow(stack, fan, friend);
    postId = await createPost(stack, idol, 'bookmarked by the doomed');
    await bookmark(doomed, postId);
    await bookmark(fan, postId);
    expect(await counts(doomed)).toEqual({ followersCount: 2, followingCount: 2 });
    await deleteFromAuth(doomed);
  });

  test('then its follows both ways, its counters and its bookmarks are removed, and a tombstone says it was deleted', async () => {
    await eventually(async () => {
      expect(await edgesOf(doomed.id)).toBe(0);
      expect(await statsOf(doomed.id)).toBeNull();
      expect(await bookmarksOf(doomed.id)).toBe(0);
    });
    expect(await tombstoneOf(doomed.id)).toMatchObject({ deletedAt: expect.any(Date) });
  });

  test('then the counters of the accounts on the other side are exact, and their other follows and bookmarks stay', async () => {
    await eventually(async () => expect(await edgesOf(doomed.id)).toBe(0));
    expect(await counts(fan)).toEqual({ followersCount: 1, followingCount: 2 });
    expect(await counts(friend)).toEqual({ followersCount: 1, followingCount: 1 });
    expect(await counts(idol)).toEqual({ followersCount: 1, followingCount: 0 });
    expect(await bookmarksOf(fan.id)).toBe(1);
  });

  test('then following it is NOT_FOUND, though the user directory remembers it exists, and nothing is written', async () => {
    await eventually(async () => expect(await tombstoneOf(doomed.id)).not.toBeNull());
    const response = await followMutation(idol, doomed);
    expect(errorCodes(response)).toEqual(['NOT_FOUND']);
    expect(response.errors![0]!.message).toBe('User not found');
    expect(await edgesOf(doomed.id)).toBe(0);
    expect(await counts(idol)).toEqual({ followersCount: 1, followingCount: 0 });
  });

  test('then its token follows and bookmarks nothing', async () => {
    await eventually(async () => expect(await tombstoneOf(doomed.id)).not.toBeNull());
    expect(errorCodes(await followMutation(doomed, idol))).toEqual(['UNAUTHENTICATED']);
    const bookmarked = await stack.graphql(`mutation ($id: ID!) { bookmarkPost(postId: $id) { id } }`, { id: postId }, { token: doomed.token });
    expect(errorCodes(bookmarked)).toEqual(['UNAUTHENTICATED']);
    expect(await edgesOf(doomed.id)).toBe(0);
    expect(await bookmarksOf(doomed.id)).toBe(0);
    expect(await statsOf(doomed.id)).toBeNull();
  });
});

describe('when the deletions worker was away while accounts and posts were deleted', () => {
  test('then a rebuild removes the data of accounts auth no longer has and the bookmarks of posts that are gone, and nothing else', async () => {
    const [gone, stays, other] = await Promise.all([registerUser(stack), registerUser(stack), registerUser(stack)]);
    await follow(stack, stays, gone);
    await follow(stack, gone, stays);
    await follow(stack, stays, other);
    const [kept, removed] = [await createPost(stack, other, 'kept'), await createPost(stack, other, 'removed')];
    for (const postId of [kept, removed]) await bookmark(stays, postId);
    await bookmark(gone, kept);

    // With no worker running, neither deletion reaches the users subgraph through the streams.
    await stack.users.stopWorkers();
    await deleteFromAuth(gone);
    await stack.posts.connection.collection('posts').deleteOne({ _id: oid(removed) });
    expect(await edgesOf(gone.id)).toBe(2);

    const config = usersSubgraph.loadConfig({ ...stack.env, USERS_PORT: '0', USERS_METRICS_PORT: '0' });
    expect(await rebuildSubgraphWorker(usersSubgraph, config, 'deletions')).toBe('here');

    expect(await edgesOf(gone.id)).toBe(0);
    expect(await statsOf(gone.id)).toBeNull();
    expect(await bookmarksOf(gone.id)).toBe(0);
    expect(await tombstoneOf(gone.id)).not.toBeNull();
    expect(await counts(stays)).toEqual({ followersCount: 0, followingCount: 1 });
    expect(await tombstoneOf(stays.id)).toBeNull();
    const bookmarked = await usersDb().collection('bookmarks').find({ userId: oid(stays.id) }).toArray();
    expect(bookmarked.map((doc) => String(doc.postId))).toEqual([kept]);
  });
});
