import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startStack, type Stack } from '@chirp/test-kit';
import { REPOSITORY_ROOT } from '@chirp/platform';

const run = promisify(execFile);

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const seed = () =>
  run(process.execPath, ['--import', 'tsx', 'tools/seed.ts', '--url', `${stack.gateway.url}/graphql`], { cwd: REPOSITORY_ROOT });

test('when the seed runs, then a demo user logs in to a populated feed with likes and comments', async () => {
  const { stdout } = await seed();
  expect(stdout).toContain('6 users');

  const login = await stack.graphql<{ login: { token: string } }>(
    'mutation { login(input: { username: "ada", password: "chirp-demo-password" }) { token } }',
  );
  const feed = await stack.graphql(
    '{ me { followingCount feed(first: 100) { edges { node { author { username } likeCount commentCount } } } } }',
    {},
    { token: login.data!.login.token },
  );
  const edges = feed.data!.me.feed.edges as { node: { author: { username: string }; likeCount: number; commentCount: number } }[];
  expect(feed.data!.me.followingCount).toBe(3);
  expect(new Set(edges.map((edge) => edge.node.author.username))).toEqual(new Set(['ada', 'grace', 'alan', 'margaret']));
  expect(edges.every((edge) => edge.node.likeCount === 3 && edge.node.commentCount === 1)).toBe(true);
});

test('when the seed runs again, then it logs in instead of failing and likes stay counted once', async () => {
  await seed();
  const grace = await stack.graphql('{ userByUsername(username: "grace") { id } }');
  expect(grace.data!.userByUsername).not.toBeNull();
  const login = await stack.graphql<{ login: { token: string } }>(
    'mutation { login(input: { username: "grace", password: "chirp-demo-password" }) { token } }',
  );
  const mine = await stack.graphql('{ me { posts { edges { node { likeCount } } } } }', {}, { token: login.data!.login.token });
  const counts = (mine.data!.me.posts.edges as { node: { likeCount: number } }[]).map((edge) => edge.node.likeCount);
  expect(counts.length).toBe(4);
  expect(counts.every((count) => count === 3)).toBe(true);
});
