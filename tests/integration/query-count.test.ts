import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { CommandStartedEvent } from 'mongodb';
import { Types } from 'mongoose';
import { createPost, eventually, follow, registerUser, type TestUser, startStack, type Stack } from '@chirp/test-kit';

const FEED = `query ($first: Int) {
  me { feed(first: $first) { edges { node { id content author { username name } likeCount likedByViewer commentCount } } } }
}`;
const ROUNDS = 22;

interface FeedNode {
  author: { username: string; name: string };
  likeCount: number;
  likedByViewer: boolean;
  commentCount: number;
}

interface Command {
  subgraph: 'auth' | 'users' | 'posts';
  name: string;
  event: CommandStartedEvent;
}

let stack: Stack;
let viewer: TestUser;
let everyone: TestUser[];

async function ok(query: string, variables: Record<string, unknown>, user: TestUser) {
  const response = await stack.graphql(query, variables, { token: user.token });
  expect(response.errors).toBeUndefined();
  return response.data!;
}

/** Reads the viewer's feed, recording every command any subgraph sends to MongoDB meanwhile. */
async function readFeed(first: number): Promise<{ nodes: FeedNode[]; commands: Command[] }> {
  const commands: Command[] = [];
  const detach = (['auth', 'users', 'posts'] as const).map((subgraph) => {
    const client = stack[subgraph].connection.getClient();
    const listener = (event: CommandStartedEvent) => commands.push({ subgraph, name: event.commandName, event });
    client.on('commandStarted', listener);
    return () => client.off('commandStarted', listener);
  });
  try {
    const { me } = await ok(FEED, { first }, viewer);
    return { nodes: me.feed.edges.map((edge: { node: FeedNode }) => edge.node), commands };
  } finally {
    detach.forEach((off) => off());
  }
}

/** `subgraph command collection` -> how many times. */
function tally(commands: Command[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { subgraph, name, event } of commands) {
    const key = `${subgraph} ${name} ${String(event.command[name])}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** The ids each `find` on the auth subgraph's users collection asked for, sorted. */
function authUserFinds(commands: Command[]): string[][] {
  return commands
    .filter(({ subgraph, name, event }) => subgraph === 'auth' && name === 'find' && event.command.find === 'users')
    .map(({ event }) => (event.command.filter._id.$in as unknown[]).map(String).sort());
}

beforeAll(async () => {
  // Every process asks auth about the token's session on every request, rather than once in 30 s, so
  // that both reads make the same session look-ups whenever they fall.
  stack = await startStack({ SESSION_CHECK_SECONDS: '0' });
  everyone = await Promise.all(Array.from({ length: 5 }, () => registerUser(stack)));
  viewer = everyone[0]!;
  for (const author of everyone.slice(1)) await follow(stack, viewer, author);

  const postIds: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const author of everyone) postIds.push(await createPost(stack, author, `round ${round} by ${author.username}`));
  }
  for (const [index, postId] of postIds.entries()) {
    if (index % 3 === 0) await ok(`mutation ($id: ID!) { likePost(postId: $id) { id } }`, { id: postId }, viewer);
    if (index % 5 === 0) {
      await ok(`mutation ($id: ID!) { addComment(postId: $id, input: { content: "hi" }) { id } }`, { id: postId }, everyone[1]!);
    }
  }
  // Every post in the viewer's timeline (the worker writes it a moment after each), so both pages read the same.
  const timeline = stack.posts.connection.collection('timeline_entries');
  await eventually(async () => expect(await timeline.countDocuments({ ownerId: new Types.ObjectId(viewer.id) })).toBe(postIds.length), { timeoutMs: 60_000 });
}, 120_000);

afterAll(() => stack?.stop());

test('when the feed is read 20 and then 100 posts at a time, then the subgraphs send the same MongoDB commands for both', async () => {
  const twenty = await readFeed(20);
  const hundred = await readFeed(100);

  expect([twenty.nodes.length, hundred.nodes.length]).toEqual([20, 100]);
  // The page really exercises every batched field: several authors, some liked, some commented.
  for (const { nodes } of [twenty, hundred]) {
    expect(new Set(nodes.map((node) => node.author.username)).size).toBe(everyone.length);
    expect(nodes.some((node) => node.likedByViewer && node.likeCount === 1)).toBe(true);
    expect(nodes.some((node) => !node.likedByViewer && node.likeCount === 0)).toBe(true);
    expect(nodes.some((node) => node.commentCount === 1)).toBe(true);
  }

  // eslint-disable-next-line no-console
  console.log(`MongoDB commands for the feed: first 20 -> ${twenty.commands.length}, first 100 -> ${hundred.commands.length}`, tally(hundred.commands));
  expect(tally(hundred.commands)).toEqual(tally(twenty.commands));
  expect(hundred.commands).toHaveLength(twenty.commands.length);
});

test.each([20, 100])(
  'when %i feed posts resolve their authors, then the auth subgraph reads its users collection once for them (and once for me)',
  async (first) => {
    const { nodes, commands } = await readFeed(first);
    const idByUsername = new Map(everyone.map((user) => [user.username, user.id]));
    const pageAuthors = [...new Set(nodes.map((node) => idByUsername.get(node.author.username)!))].sort();
    expect(authUserFinds(commands)).toEqual([[viewer.id], pageAuthors]);
  },
);
