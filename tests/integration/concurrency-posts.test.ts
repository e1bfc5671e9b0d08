import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Types } from 'mongoose';
import { registerUser, type TestUser, type GraphQLResponse, inPool, mulberry32, startStack, type Stack } from '@chirp/test-kit';

const POSTS = 200;
const SEED = Number(process.env.STORM_SEED ?? 7);
const STORM_USERS = 8;
const STORM_REQUESTS = 400;
/** Enough to interleave freely, few enough that each request answers well within the gateway's subgraph timeout on 2 cores. */
const STORM_IN_FLIGHT = 50;

const CREATE = 'mutation ($content: String!) { createPost(input: { content: $content }) { id } }';
const COUNTS = 'query ($id: ID!) { user(id: $id) { followersCount followingCount } }';

let stack: Stack;
beforeAll(async () => {
  // The whole system shares this one process with its storms, on a shared machine: a subgraph's 4 s
  // timeout would measure the machine's load, not the code. The timeout itself is tested in faults.test.ts.
  stack = await startStack({ SUBGRAPH_TIMEOUT_MS: '20000' });
});
afterAll(() => stack?.stop());

interface Page {
  edges: { node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Every node id of `user`'s `list` connection, 100 at a time to the last page. */
async function listAll(user: TestUser, list: 'posts' | 'followers' | 'following'): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 20; pages += 1) {
    const response: GraphQLResponse<{ user: Record<string, Page> }> = await stack.graphql(
      `query ($id: ID!, $after: String) { user(id: $id) { ${list}(first: 100, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } } }`,
      { id: user.id, after },
    );
    expect(response.errors).toBeUndefined();
    const page: Page = response.data!.user[list]!;
    ids.push(...page.edges.map((edge) => edge.node.id));
    if (!page.pageInfo.hasNextPage) return ids;
    after = page.pageInfo.endCursor;
  }
  throw new Error(`${list} pages do not end`);
}

test(`when ${POSTS} createPost run concurrently through the gateway, then exactly ${POSTS} posts are stored and listed`, async () => {
  const author = await registerUser(stack);
  const responses = await Promise.all(
    Array.from({ length: POSTS }, (_, i) => stack.graphql<{ createPost: { id: string } }>(CREATE, { content: `post ${i}` }, { token: author.token })),
  );
  expect(responses.flatMap((response) => response.errors ?? [])).toEqual([]);
  const acknowledged = responses.map((response) => response.data!.createPost.id);
  expect(new Set(acknowledged).size).toBe(POSTS);

  const stored = await stack.posts.connection.collection('posts').countDocuments({ authorId: new Types.ObjectId(author.id) });
  const listed = await listAll(author, 'posts');
  expect({ stored, listed: listed.length, distinct: new Set(listed).size }).toEqual({ stored: POSTS, listed: POSTS, distinct: POSTS });
  expect([...listed].sort()).toEqual([...acknowledged].sort());
});

test(`when ${STORM_USERS} users follow and unfollow each other in a storm of ${STORM_REQUESTS} requests, ${STORM_IN_FLIGHT} in flight (seed ${SEED}), then every counter equals the stored edges and the listed connections`, async () => {
  const users = await Promise.all(Array.from({ length: STORM_USERS }, () => registerUser(stack)));
  const random = mulberry32(SEED);
  const pick = () => users[Math.floor(random() * users.length)]!;
  const storm = Array.from({ length: STORM_REQUESTS }, () => {
    const follower = pick();
    let followee = pick();
    while (followee === follower) followee = pick();
    return { follower, followee, action: random() < 0.6 ? 'follow' : 'unfollow' };
  });
  const errors: unknown[] = [];
  await inPool(storm, STORM_IN_FLIGHT, async ({ follower, followee, action }) => {
    const response = await stack.graphql(`mutation ($id: ID!) { ${action}(userId: $id) { id } }`, { id: followee.id }, { token: follower.token });
    errors.push(...(response.errors ?? []));
  });
  expect(errors).toEqual([]);

  const follows = stack.users.connection.collection('follows');
  const edges = (field: 'followerId' | 'followeeId', user: TestUser) => follows.countDocuments({ [field]: new Types.ObjectId(user.id) });
  const observed = await Promise.all(
    users.map(async (user) => {
      const counts = (await stack.graphql<{ user: { followersCount: number; followingCount: number } }>(COUNTS, { id: user.id })).data!.user;
      const [followers, following] = await Promise.all([listAll(user, 'followers'), listAll(user, 'following')]);
      return {
        counters: [counts.followersCount, counts.followingCount],
        stored: [await edges('followeeId', user), await edges('followerId', user)],
        listed: [new Set(followers).size, new Set(following).size],
        duplicates: followers.length + following.length - new Set(followers).size - new Set(following).size,
      };
    }),
  );
  for (const { counters, stored, listed, duplicates } of observed) expect({ stored, listed, duplicates }).toEqual({ stored: counters, listed: counters, duplicates: 0 });
  // The storm must have left some edges, or it proved nothing.
  expect(await follows.countDocuments({ followerId: { $in: users.map((user) => new Types.ObjectId(user.id)) } })).toBeGreaterThan(0);
});
