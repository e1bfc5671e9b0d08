import { afterAll, beforeAll, expect, test } from '@jest/globals';
import mongoose, { type Connection } from 'mongoose';
import { createPost, eventually, follow, registerUser, startStack, type Stack, type TestUser } from '@chirp/test-kit';

/**
 * Authors with more followers than FANOUT_FOLLOWER_THRESHOLD are not fanned out: their posts are
 * merged into their followers' feeds when read. Here the threshold is 2, so three followers make one.
 */
const FEED = '{ me { feed(first: 10) { edges { node { id } } pageInfo { hasNextPage } } } }';

let stack: Stack;
let posts: Connection;

async function feedIds(user: TestUser): Promise<string[]> {
  const response = await stack.graphql<{ me: { feed: { edges: { node: { id: string } }[] } } }>(FEED, {}, { token: user.token });
  expect(response.errors).toBeUndefined();
  return response.data!.me.feed.edges.map((edge) => edge.node.id);
}

const entriesOf = (postId: string) => posts.collection('timeline_entries').countDocuments({ postId: new mongoose.Types.ObjectId(postId) });

beforeAll(async () => {
  stack = await startStack({ FANOUT_FOLLOWER_THRESHOLD: '2' });
  posts = await mongoose.createConnection(stack.env.MONGODB_URI!, { dbName: stack.env.POSTS_DB_NAME }).asPromise();
});

afterAll(async () => {
  await posts?.close();
  await stack?.stop();
}, 60_000);

test('when an author with more followers than the threshold posts, then followers see the post through the read-time merge, not through their timelines', async () => {
  const celebrity = await registerUser(stack);
  const ordinary = await registerUser(stack);
  const followers = [await registerUser(stack), await registerUser(stack), await registerUser(stack)];
  for (const follower of followers) await follow(stack, follower, celebrity);
  await follow(stack, followers[0]!, ordinary);
  await eventually(async () => expect(await posts.collection('follow_edges').countDocuments({ followeeId: new mongoose.Types.ObjectId(celebrity.id) })).toBe(3));

  const fanned = await createPost(stack, ordinary, 'fanned out');
  const merged = await createPost(stack, celebrity, 'merged when read');
  const later = await createPost(stack, ordinary, 'fanned out later');

  await eventually(async () => expect(await feedIds(followers[0]!)).toEqual([later, merged, fanned]));
  for (const follower of followers.slice(1)) await eventually(async () => expect(await feedIds(follower)).toEqual([merged]));
  // The celebrity's post sits in its author's own timeline only; the ordinary author's in both timelines.
  expect(await entriesOf(merged)).toBe(1);
  expect(await entriesOf(fanned)).toBe(2);
  expect(await posts.collection('high_follower_authors').countDocuments({ _id: new mongoose.Types.ObjectId(celebrity.id) as never })).toBe(1);
});
