import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Types } from 'mongoose';
import {
  follow,
  registerUser,
  type TestUser,
  errorCodes,
  type GraphQLResponse,
  expectError,
  restClient,
  startStack,
  type Stack,
} from '@chirp/test-kit';

/** Small, so that a test can reach it; the default is 7,500. */
const CAP = 5;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ MAX_FOLLOWING: String(CAP) });
});
afterAll(async () => {
  await stack?.stop();
});

const registerMany = (count: number) => Promise.all(Array.from({ length: count }, () => registerUser(stack)));

const mutate = (name: 'follow' | 'unfollow', viewer: TestUser, target: TestUser): Promise<GraphQLResponse<Record<string, { id: string; followedByViewer: boolean }>>> =>
  stack.graphql(`mutation ($id: ID!) { ${name}(userId: $id) { id followedByViewer } }`, { id: target.id }, { token: viewer.token });

/** The user's follow edges as stored, and the counters as the graph answers them. */
async function followState(user: TestUser): Promise<{ followees: string[]; followingCount: number }> {
  const docs = await stack.users.connection.collection('follows').find({ followerId: new Types.ObjectId(user.id) }).toArray();
  const response = await stack.graphql<{ user: { followingCount: number } }>(`query ($id: ID!) { user(id: $id) { followingCount } }`, { id: user.id });
  expect(response.errors).toBeUndefined();
  return { followees: docs.map((doc) => String(doc.followeeId)).sort(), followingCount: response.data!.user.followingCount };
}

async function followersCount(user: TestUser): Promise<number> {
  const response = await stack.graphql<{ user: { followersCount: number } }>(`query ($id: ID!) { user(id: $id) { followersCount } }`, { id: user.id });
  expect(response.errors).toBeUndefined();
  return response.data!.user.followersCount;
}

const idsOf = (users: TestUser[]) => users.map((user) => user.id).sort();

/** A user who follows `CAP` others, and those others. */
async function userAtCap(): Promise<{ user: TestUser; followed: TestUser[] }> {
  const [user, ...followed] = (await registerMany(CAP + 1)) as [TestUser, ...TestUser[]];
  for (const target of followed) await follow(stack, user, target);
  return { user, followed };
}

describe(`following at most MAX_FOLLOWING (${CAP} here) accounts`, () => {
  test('when a user at the cap follows one more account, then it is BAD_USER_INPUT naming the limit, and nothing changes', async () => {
    const { user, followed } = await userAtCap();
    const extra = await registerUser(stack);
    const response = await mutate('follow', user, extra);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors?.[0]?.message).toBe(`You can follow at most ${CAP} accounts; unfollow one to follow another`);
    expect(response.data ?? null).toBeNull();
    expect(await followState(user)).toEqual({ followees: idsOf(followed), followingCount: CAP });
    expect(await followersCount(extra)).toBe(0);
  });

  test('when a user who has followers but follows nobody starts following, then they too can follow up to the cap', async () => {
    const [user, fan, ...targets] = (await registerMany(CAP + 3)) as [TestUser, TestUser, ...TestUser[]];
    await follow(stack, fan, user);
    const responses = [];
    for (const target of targets) responses.push(await mutate('follow', user, target));
    expect(responses.map((response) => errorCodes(response))).toEqual([...Array.from({ length: CAP }, () => []), ['BAD_USER_INPUT']]);
    expect(await followState(user)).toEqual({ followees: idsOf(targets.slice(0, CAP)), followingCount: CAP });
  });

  test('when a user at the cap follows someone they already follow, then it succeeds and nothing changes', async () => {
    const { user, followed } = await userAtCap();
    const again = await mutate('follow', user, followed[0]!);
    expect(again.errors).toBeUndefined();
    expect(again.data?.follow).toEqual({ id: followed[0]!.id, followedByViewer: true });
    expect(await followState(user)).toEqual({ followees: idsOf(followed), followingCount: CAP });
    expect(await followersCount(followed[0]!)).toBe(1);
  });

  test('when a user at the cap unfollows one account, then they can follow one other, and no more', async () => {
    const { user, followed } = await userAtCap();
    const [first, second] = (await registerMany(2)) as [TestUser, TestUser];
    expect((await mutate('unfollow', user, followed[0]!)).errors).toBeUndefined();
    expect((await mutate('follow', user, first)).errors).toBeUndefined();
    expect(errorCodes(await mutate('follow', user, second))).toEqual(['BAD_USER_INPUT']);
    expect(await followState(user)).toEqual({ followees: idsOf([...followed.slice(1), first]), followingCount: CAP });
  });

  test(`when a user who follows nobody follows 10 different users at once, then exactly ${CAP} succeed and the others are refused`, async () => {
    const [user, ...targets] = (await registerMany(11)) as [TestUser, ...TestUser[]];
    const responses = await Promise.all(targets.map((target) => mutate('follow', user, target)));
    const followed = targets.filter((_target, index) => responses[index]!.errors === undefined);
    expect(followed).toHaveLength(CAP);
    expect(responses.flatMap(errorCodes)).toEqual(Array.from({ length: 10 - CAP }, () => 'BAD_USER_INPUT'));
    expect(await followState(user)).toEqual({ followees: idsOf(followed), followingCount: CAP });
    for (const target of targets) expect(await followersCount(target)).toBe(followed.includes(target) ? 1 : 0);
  });

  test('when follows of 4 different users race from a user one below the cap, then exactly one succeeds', async () => {
    const [user, ...others] = (await registerMany(CAP + 4)) as [TestUser, ...TestUser[]];
    const [kept, racing] = [others.slice(0, CAP - 1), others.slice(CAP - 1)];
    for (const target of kept) await follow(stack, user, target);
    const responses = await Promise.all(racing.map((target) => mutate('follow', user, target)));
    const winners = racing.filter((_target, index) => responses[index]!.errors === undefined);
    expect(winners).toHaveLength(1);
    expect(await followState(user)).toEqual({ followees: idsOf([...kept, ...winners]), followingCount: CAP });
  });

  test('when a user at the cap unfollows two, follows three new and follows one already followed, all at once, then the counters equal the edges', async () => {
    const { user, followed } = await userAtCap();
    const fresh = await registerMany(3);
    const [leaving, staying] = [followed.slice(0, 2), followed.slice(2)];
    const responses = await Promise.all([
      ...leaving.map((target) => mutate('unfollow', user, target)),
      ...fresh.map((target) => mutate('follow', user, target)),
      mutate('follow', user, staying[0]!),
    ]);
    expect(responses.slice(0, 2).map((response) => response.errors)).toEqual([undefined, undefined]);
    expect(responses[5]!.errors).toBeUndefined();
    // How many new follows find a slot depends on when the unfollows land; a refusal is the cap's.
    const freshResponses = responses.slice(2, 5);
    const followedFresh = fresh.filter((_target, index) => freshResponses[index]!.errors === undefined);
    expect(followedFresh.length).toBeLessThanOrEqual(leaving.length);
    expect(freshResponses.flatMap(errorCodes)).toEqual(Array.from({ length: fresh.length - followedFresh.length }, () => 'BAD_USER_INPUT'));

    const following = [...staying, ...followedFresh];
    expect(await followState(user)).toEqual({ followees: idsOf(following), followingCount: following.length });
    for (const target of [...followed, ...fresh]) expect(await followersCount(target)).toBe(following.includes(target) ? 1 : 0);
  });

  test('when a user at the cap follows one more account through REST, then it is 400 BAD_USER_INPUT naming the limit', async () => {
    const { user } = await userAtCap();
    const extra = await registerUser(stack);
    const response = await restClient(stack)('POST', `/users-api/v1/users/${extra.id}/follow`, { token: user.token });
    expectError(response, 400, 'BAD_USER_INPUT', `You can follow at most ${CAP} accounts`);
  });
});
