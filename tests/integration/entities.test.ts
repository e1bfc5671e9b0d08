import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { CommandStartedEvent } from 'mongodb';
import { Types } from 'mongoose';
import { createPost, follow, registerUser, type TestUser, graphqlClient, startStack, type Stack } from '@chirp/test-kit';

let stack: Stack;
let users: TestUser[];
beforeAll(async () => {
  stack = await startStack();
  users = await Promise.all(Array.from({ length: 5 }, () => registerUser(stack)));
});
afterAll(async () => {
  await stack?.stop();
});

type Subgraph = 'auth' | 'users' | 'posts';

/**
 * `_entities` straight against one subgraph, as the gateway asks it, for `__typename` entities selected
 * by `selection`; with `as`, carrying that user's token as the gateway forwards it.
 */
async function entities<T = Record<string, unknown>>(
  subgraph: Subgraph,
  typename: string,
  ids: string[],
  selection: string,
  as?: TestUser,
): Promise<(T | null)[]> {
  const response = await graphqlClient(`${stack[subgraph].url}/graphql`)<{ _entities: (T | null)[] }>(
    `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on ${typename} { ${selection} } } }`,
    { representations: ids.map((id) => ({ __typename: typename, id })) },
    { token: as?.token },
  );
  expect(response.errors).toBeUndefined();
  return response.data!._entities;
}

const unknownId = () => new Types.ObjectId().toHexString();

describe('auth subgraph', () => {
  test('when a User is asked for by id, then it resolves username, name and createdAt', async () => {
    const [user] = await entities<{ id: string; username: string; name: string; createdAt: string }>('auth', 'User', [users[0]!.id], 'id username name createdAt');
    expect(user).toMatchObject({ id: users[0]!.id, username: users[0]!.username, name: `Name of ${users[0]!.username}` });
    expect(Number.isNaN(Date.parse(user!.createdAt))).toBe(false);
  });

  test('when a batch holds unknown and malformed ids, then those are null, in order', async () => {
    const ids = [users[1]!.id, unknownId(), users[0]!.id, 'not-an-id', users[1]!.id];
    const resolved = await entities<{ id: string; username: string }>('auth', 'User', ids, 'id username');
    expect(resolved).toEqual([
      { id: users[1]!.id, username: users[1]!.username },
      null,
      { id: users[0]!.id, username: users[0]!.username },
      null,
      { id: users[1]!.id, username: users[1]!.username },
    ]);
  });

  test('when a batch of 5 Users is resolved, then the users collection is read once', async () => {
    const client = stack.auth.connection.getClient();
    const finds: CommandStartedEvent[] = [];
    const listener = (event: CommandStartedEvent) => {
      if (event.commandName === 'find' && event.command.find === 'users') finds.push(event);
    };
    client.on('commandStarted', listener);
    try {
      const resolved = await entities<{ id: string }>('auth', 'User', users.map((user) => user.id), 'id username');
      expect(resolved.map((user) => user?.id)).toEqual(users.map((user) => user.id));
    } finally {
      client.off('commandStarted', listener);
    }
    expect(finds).toHaveLength(1);
  });
});

describe('users subgraph', () => {
  type Social = { id: string; followersCount: number; followingCount: number; followedByViewer: boolean };
  const SOCIAL = 'id followersCount followingCount followedByViewer';
  let ada: TestUser;
  let bob: TestUser;
  let cyd: TestUser;
  beforeAll(async () => {
    [ada, bob, cyd] = users as [TestUser, TestUser, TestUser];
    await follow(stack, ada, bob);
    await follow(stack, ada, cyd);
    await follow(stack, bob, ada);
  });

  test('when Users are asked for with the token of one of them, then they resolve their counts, and whether that one follows them', async () => {
    const [adaSocial, bobSocial, nobody] = await entities<Social>('users', 'User', [ada.id, bob.id, unknownId()], SOCIAL, ada);
    expect(adaSocial).toEqual({ id: ada.id, followersCount: 1, followingCount: 2, followedByViewer: false });
    expect(bobSocial).toEqual({ id: bob.id, followersCount: 1, followingCount: 1, followedByViewer: true });
    expect(nobody).toMatchObject({ followersCount: 0, followingCount: 0, followedByViewer: false });
  });

  test('when a User is asked for a whole follow list, then the subgraph has none to give: the feed no longer needs one', async () => {
    const response = await graphqlClient(`${stack.users.url}/graphql`)(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id followingIds } } }',
      { r: [{ __typename: 'User', id: ada.id }] },
      { token: ada.token },
    );
    expect(response.errors?.[0]?.message).toMatch(/Cannot query field "followingIds" on type "User"/);
  });
});

describe('posts subgraph', () => {
  test('when a Post is asked for by id, then it resolves content and likeCount; an unknown id is null', async () => {
    const postId = await createPost(stack, users[2]!, 'resolved by reference');
    const like = await stack.graphql(`mutation ($id: ID!) { likePost(postId: $id) { id } }`, { id: postId }, { token: users[3]!.token });
    expect(like.errors).toBeUndefined();
    const resolved = await entities('posts', 'Post', [postId, unknownId()], 'id content likeCount');
    expect(resolved).toEqual([{ id: postId, content: 'resolved by reference', likeCount: 1 }, null]);
  });

  test('when a User is asked for its posts, then they come newest first', async () => {
    const author = users[4]!;
    const first = await createPost(stack, author, 'first');
    const second = await createPost(stack, author, 'second');
    type WithPosts = { posts: { edges: { node: { id: string; content: string } }[] } };
    const [user] = await entities<WithPosts>('posts', 'User', [author.id], 'posts(first: 10) { edges { node { id content } } }');
    expect(user?.posts.edges.map((edge) => edge.node)).toEqual([
      { id: second, content: 'second' },
      { id: first, content: 'first' },
    ]);
  });
});

test.each([
  ['auth', ['type User', 'register(', 'login(', 'userByUsername(']],
  ['users', ['followersCount', 'followedByViewer', 'follow(', 'unfollow(']],
  ['posts', ['type Post', 'feed(', 'createPost(', 'timelines are written']],
] as const)('when the %s subgraph is asked for its SDL, then _service returns it', async (subgraph, expected) => {
  const response = await graphqlClient(`${stack[subgraph].url}/graphql`)<{ _service: { sdl: string } }>('{ _service { sdl } }');
  expect(response.errors).toBeUndefined();
  for (const fragment of expected) expect(response.data?._service.sdl).toContain(fragment);
});
