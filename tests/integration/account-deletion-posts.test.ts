import { afterAll, beforeAll, expect, test } from '@jest/globals';
import mongoose, { type Connection } from 'mongoose';
import { createPostsModule, subgraph as postsSubgraph } from '@chirp/posts-subgraph';
import type { PostsConfig } from '@chirp/posts-subgraph/config';
import type { RunningService } from '@chirp/platform';
import { connectDatabase, rebuildSubgraphWorker, startSubgraphWorkers } from '@chirp/subgraph-kit';
import { createPost, eventually, follow, graphqlClient, registerUser, startStack, type Stack, type TestUser } from '@chirp/test-kit';

/**
 * What the posts subgraph does when an account is deleted: its timeline worker follows auth's account
 * stream and removes everything of the account. The deletion is made here by removing the account's
 * document from auth's database, which is what the stream publishes (the deleteAccount mutation does the
 * same, and has its own end-to-end test). The worker runs on its own, so that a test can stop it.
 */
const FEED = '{ me { feed { edges { node { id } } } } }';
const POST = 'query ($id: ID!) { post(id: $id) { likeCount likedByViewer commentCount comments { edges { node { content } } } } }';
/** Every collection of the posts subgraph that may hold something of an account. */
const COLLECTIONS = ['posts', 'comments', 'likes', 'timeline_entries', 'timelines', 'follow_edges', 'high_follower_authors', 'deleted_accounts'];

let stack: Stack;
let config: PostsConfig;
let worker: RunningService | null = null;
let posts: Connection;
let users: Connection;
let gone: TestUser;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let gonePosts: string[];
let alicePost: string;
let bobPost: string;

const oid = (id: string) => new mongoose.Types.ObjectId(id);
const ok = async <T>(query: string, variables: Record<string, unknown>, as: TestUser) => {
  const response = await stack.graphql<T>(query, variables, { token: as.token });
  expect(response.errors).toBeUndefined();
  return response.data!;
};
const feedIds = async (user: TestUser) => (await ok<{ me: { feed: { edges: { node: { id: string } }[] } } }>(FEED, {}, user)).me.feed.edges.map((edge) => edge.node.id);
const postAs = async (id: string, user: TestUser) =>
  (await ok<{ post: { likeCount: number; likedByViewer: boolean; commentCount: number; comments: { edges: { node: { content: string } }[] } } }>(POST, { id }, user)).post;

/** How many documents of each collection hold something of `user` or of its posts. */
async function holdings(user: TestUser, postIds: string[]) {
  const id = oid(user.id);
  const ofPosts = { $in: postIds.map(oid) };
  const count = (collection: string, filter: mongoose.mongo.Filter<mongoose.mongo.Document>) => posts.collection(collection).countDocuments(filter);
  return {
    posts: await count('posts', { authorId: id }),
    comments: await count('comments', { $or: [{ authorId: id }, { postId: ofPosts }] }),
    likes: await count('likes', { $or: [{ userId: id }, { postId: ofPosts }] }),
    timeline_entries: await count('timeline_entries', { $or: [{ ownerId: id }, { authorId: id }, { postId: ofPosts }] }),
    timelines: await count('timelines', { _id: id }),
    follow_edges: await count('follow_edges', { $or: [{ followerId: id }, { followeeId: id }] }),
    high_follower_authors: await count('high_follower_authors', { _id: id }),
  };
}
const nothing = { posts: 0, comments: 0, likes: 0, timeline_entries: 0, timelines: 0, follow_edges: 0, high_follower_authors: 0 };

const tombstone = (user: TestUser) => posts.collection('deleted_accounts').findOne({ _id: user.id as never });
const deleteAccount = (user: TestUser) => stack.auth.connection.db!.collection('users').deleteOne({ _id: oid(user.id) });

/** Every document of the posts subgraph's collections, to compare before and after. */
async function everything() {
  return Object.fromEntries(await Promise.all(COLLECTIONS.map(async (name) => [name, await posts.collection(name).find().sort({ _id: 1 }).toArray()] as const)));
}

/** A like and a comment of `user` on the post `on`. */
async function leaveTraces(user: TestUser, on: string) {
  await ok(`mutation ($id: ID!) { likePost(postId: $id) { id } }`, { id: on }, user);
  await ok(`mutation ($id: ID!) { addComment(postId: $id, input: { content: "from ${user.username}" }) { id } }`, { id: on }, user);
}

beforeAll(async () => {
  stack = await startStack({ RUN_WORKERS: 'false', WORKER_LEASE_MS: '1000' });
  config = postsSubgraph.loadConfig({ ...stack.env, POSTS_METRICS_PORT: '0' });
  worker = await startSubgraphWorkers(postsSubgraph, config);
  posts = await mongoose.createConnection(stack.env.MONGODB_URI!, { dbName: stack.env.POSTS_DB_NAME }).asPromise();
  users = await mongoose.createConnection(stack.env.MONGODB_URI!, { dbName: stack.env.USERS_DB_NAME }).asPromise();
  [gone, alice, bob, carol] = [await registerUser(stack), await registerUser(stack), await registerUser(stack), await registerUser(stack)];

  await follow(stack, alice, gone);
  await follow(stack, bob, gone);
  await follow(stack, gone, alice);
  gonePosts = [await createPost(stack, gone, 'first of gone'), await createPost(stack, gone, 'second of gone')];
  alicePost = await createPost(stack, alice, 'by alice');
  bobPost = await createPost(stack, bob, 'by bob');
  // On bob's post: a like and two comments of gone, a like of bob, a comment of alice.
  await leaveTraces(gone, bobPost);
  await ok(`mutation ($id: ID!) { addComment(postId: $id, input: { content: "again from gone" }) { id } }`, { id: bobPost }, gone);
  await ok(`mutation ($id: ID!) { likePost(postId: $id) { id } }`, { id: bobPost }, bob);
  await ok(`mutation ($id: ID!) { addComment(postId: $id, input: { content: "from alice" }) { id } }`, { id: bobPost }, alice);
  // On alice's post, a like of gone; on gone's first post, a like and a comment of alice.
  await ok(`mutation ($id: ID!) { likePost(postId: $id) { id } }`, { id: alicePost }, gone);
  await leaveTraces(alice, gonePosts[0]!);

  await eventually(async () => expect(await feedIds(alice)).toEqual(expect.arrayContaining([alicePost, ...gonePosts])));
  await eventually(async () => expect(await feedIds(gone)).toEqual(expect.arrayContaining([alicePost, ...gonePosts])));
  // Marked as if gone had passed the fan-out threshold: the mark must go too.
  await posts.collection('high_follower_authors').insertOne({ _id: oid(gone.id), since: new Date() });
  expect(Object.values(await holdings(gone, gonePosts)).every((held) => held > 0)).toBe(true);
  expect(await postAs(bobPost, bob)).toMatchObject({ likeCount: 2, commentCount: 3 });

  await deleteAccount(gone);
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await posts?.close();
  await users?.close();
  await stack?.stop();
}, 60_000);

test("when an account is deleted, then its posts leave its followers' feeds", async () => {
  await eventually(async () => expect(await feedIds(alice)).toEqual([alicePost]));
  await eventually(async () => expect(await feedIds(bob)).toEqual([bobPost]));
});

test("when an account is deleted, then its likes leave other people's posts' likeCount and likedByViewer", async () => {
  await eventually(async () => {
    expect(await postAs(bobPost, bob)).toMatchObject({ likeCount: 1, likedByViewer: true });
    expect(await postAs(alicePost, alice)).toMatchObject({ likeCount: 0, likedByViewer: false });
  });
  // Asked straight of the posts subgraph with the deleted account's token, which it still believes.
  const response = await graphqlClient(`${stack.posts.url}/graphql`)(POST, { id: bobPost }, { token: gone.token });
  expect(response.data?.post).toMatchObject({ likeCount: 1, likedByViewer: false });
});

test('when an account is deleted, then its comments leave the posts and their commentCount is corrected', async () => {
  await eventually(async () => {
    const post = await postAs(bobPost, bob);
    expect(post.commentCount).toBe(1);
    expect(post.comments.edges.map((edge) => edge.node.content)).toEqual(['from alice']);
  });
});

test('when an account is deleted, then no collection of the posts subgraph holds anything of it, and its tombstone is kept', async () => {
  await eventually(async () => expect(await holdings(gone, gonePosts)).toEqual(nothing));
  expect(await tombstone(gone)).toMatchObject({ _id: gone.id, deletedAt: expect.any(Date) });
  // Other accounts keep what is theirs.
  expect(await holdings(bob, [bobPost])).toMatchObject({ posts: 1, likes: 1, comments: 1, timelines: 1 });
});

test('when a follow or a post of the deleted account arrives after its deletion, then it brings nothing back', async () => {
  await eventually(async () => expect(await tombstone(gone)).not.toBeNull());
  // As if the follow stream were behind the account stream, and a createPost had raced the deletion.
  await users.collection('follows').insertMany([
    { followerId: oid(carol.id), followeeId: oid(gone.id), createdAt: new Date() },
    { followerId: oid(gone.id), followeeId: oid(bob.id), createdAt: new Date() },
  ]);
  const late = await posts.collection('posts').insertOne({ authorId: oid(gone.id), content: 'late', likeCount: 0, commentCount: 0, editedAt: null, createdAt: new Date(), updatedAt: new Date() });
  // A follow written after those: once it is projected, they have been applied.
  await follow(stack, carol, bob);
  await eventually(async () => expect(await posts.collection('follow_edges').countDocuments({ followerId: oid(carol.id), followeeId: oid(bob.id) })).toBe(1));
  await eventually(async () => expect(await posts.collection('posts').countDocuments({ _id: late.insertedId })).toBe(0));
  expect(await holdings(gone, [...gonePosts, String(late.insertedId)])).toEqual(nothing);
  await eventually(async () => expect(await feedIds(carol)).toEqual([bobPost]));
});

test('when the deleted account writes with a token still believed, then every write is UNAUTHENTICATED and nothing is written', async () => {
  await eventually(async () => expect(await tombstone(gone)).not.toBeNull());
  await eventually(async () => expect(await holdings(gone, gonePosts)).toEqual(nothing));
  const before = await everything();
  // Straight to the posts subgraph: whether the gateway still believes the token is not what is tested here.
  const subgraph = graphqlClient(`${stack.posts.url}/graphql`);
  const writes: [string, Record<string, unknown>][] = [
    ['mutation { createPost(input: { content: "still here?" }) { id } }', {}],
    ['mutation ($id: ID!) { updatePost(id: $id, input: { content: "edited" }) { id } }', { id: gonePosts[0] }],
    ['mutation ($id: ID!) { deletePost(id: $id) }', { id: bobPost }],
    ['mutation ($id: ID!) { addComment(postId: $id, input: { content: "still here?" }) { id } }', { id: bobPost }],
    ['mutation ($id: ID!) { likePost(postId: $id) { id } }', { id: bobPost }],
    ['mutation ($id: ID!) { unlikePost(postId: $id) { id } }', { id: bobPost }],
  ];
  for (const [mutation, variables] of writes) {
    const response = await subgraph(mutation, variables, { token: gone.token });
    expect({ mutation, errors: response.errors?.map((error) => ({ message: error.message, code: error.extensions?.code })) }).toEqual({
      mutation,
      errors: [{ message: 'The account of this token has been deleted', code: 'UNAUTHENTICATED' }],
    });
  }
  expect(await everything()).toEqual(before);
});

test('when the purge is applied again, even over a step a crash left half done, then it ends where it ended before', async () => {
  await eventually(async () => expect(await holdings(gone, gonePosts)).toEqual(nothing));
  const before = await everything();
  // A crash after the counters were recounted without them, before they were removed.
  await posts.collection('likes').insertOne({ postId: oid(bobPost), userId: oid(gone.id), createdAt: new Date() });
  await posts.collection('comments').insertOne({ postId: oid(bobPost), authorId: oid(gone.id), content: 'left behind', createdAt: new Date() });
  const connection = await connectDatabase(stack.env.MONGODB_URI!, config.dbName);
  try {
    const { services } = await createPostsModule(connection, config);
    await services.accounts.applyAccountEvents([{ type: 'deleted', userId: gone.id, at: new Date() }]);
    await services.accounts.applyAccountEvents([{ type: 'deleted', userId: gone.id, at: new Date() }]);
  } finally {
    await connection.close();
  }
  expect(await everything()).toEqual(before);
});

test('when an account is deleted while the worker is stopped and the timelines are rebuilt, then the rebuild purges it as the stream would have', async () => {
  const ghost = await registerUser(stack);
  await follow(stack, carol, bob);
  await follow(stack, carol, ghost);
  await follow(stack, ghost, bob);
  const ghostPost = await createPost(stack, ghost, 'by ghost');
  await leaveTraces(ghost, bobPost);
  await leaveTraces(bob, ghostPost);
  await eventually(async () => expect(await feedIds(carol)).toEqual([ghostPost, bobPost]));
  expect(await postAs(bobPost, bob)).toMatchObject({ likeCount: 2, commentCount: 2 });

  await worker!.stop();
  worker = null;
  await deleteAccount(ghost);
  expect(await rebuildSubgraphWorker(postsSubgraph, config, 'timelines')).toBe('here');

  expect(await holdings(ghost, [ghostPost])).toEqual(nothing);
  expect(await tombstone(ghost)).toMatchObject({ _id: ghost.id, deletedAt: expect.any(Date) });
  expect(await postAs(bobPost, bob)).toMatchObject({ likeCount: 1, likedByViewer: true, commentCount: 1 });
  expect(await feedIds(carol)).toEqual([bobPost]);
  // The live accounts keep what is theirs: bob's post and like, alice's comment, carol's follow of bob.
  expect(await holdings(bob, [bobPost])).toMatchObject({ posts: 1, likes: 1, comments: 1, timelines: 1 });
  expect(await posts.collection('follow_edges').countDocuments({ followerId: oid(carol.id), followeeId: oid(bob.id) })).toBe(1);
}, 60_000);
