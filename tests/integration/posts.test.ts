import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Types } from 'mongoose';
import {
  createPost,
  registerUser,
  type TestUser,
  errorCodes,
  type GraphQLResponse,
  startStack,
  type Stack,
} from '@chirp/test-kit';

const POST_FIELDS = 'id content createdAt updatedAt editedAt likeCount commentCount likedByViewer author { id username name }';
const POST = `query ($id: ID!) { post(id: $id) { ${POST_FIELDS} } }`;
const CREATE = `mutation ($content: String!) { createPost(input: { content: $content }) { ${POST_FIELDS} } }`;
const UPDATE = `mutation ($id: ID!, $content: String!) { updatePost(id: $id, input: { content: $content }) { ${POST_FIELDS} } }`;
const DELETE = `mutation ($id: ID!) { deletePost(id: $id) }`;
const COMMENT = `mutation ($postId: ID!, $content: String!) {
  addComment(postId: $postId, input: { content: $content }) { id content createdAt author { id username } post { id commentCount } }
}`;
const COMMENTS = `query ($id: ID!, $first: Int, $after: String) {
  post(id: $id) { comments(first: $first, after: $after) { edges { cursor node { id content author { id username } post { id } } } pageInfo { hasNextPage endCursor } } }
}`;
const LIKE = `mutation ($postId: ID!) { likePost(postId: $postId) { id likeCount likedByViewer } }`;
const UNLIKE = `mutation ($postId: ID!) { unlikePost(postId: $postId) { id likeCount likedByViewer } }`;
const USER_POSTS = `query ($id: ID!, $first: Int, $after: String) {
  user(id: $id) { posts(first: $first, after: $after) { edges { cursor node { id author { id } } } pageInfo { hasNextPage endCursor } } }
}`;
const FEED = `query ($id: ID!, $first: Int, $after: String) { user(id: $id) { feed(first: $first, after: $after) { edges { node { id } } } } }`;

interface PostPage {
  edges: { cursor: string; node: { id: string; author: { id: string } } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const MALFORMED_ID = 'not-an-id';
const unknownId = () => new Types.ObjectId().toHexString();

let stack: Stack;
let alice: TestUser;
let bob: TestUser;

function gql(query: string, variables: Record<string, unknown>, as?: TestUser): Promise<GraphQLResponse> {
  return stack.graphql(query, variables, { token: as?.token });
}

function expectError(response: GraphQLResponse, code: string): void {
  expect(errorCodes(response)).toEqual([code]);
}

async function ok(query: string, variables: Record<string, unknown>, as?: TestUser) {
  const response = await gql(query, variables, as);
  expect(response.errors).toBeUndefined();
  return response.data!;
}

const getPost = async (id: string, as?: TestUser) => (await ok(POST, { id }, as)).post;

const countByPost = (collection: 'comments' | 'likes', postId: string) =>
  stack.posts.connection.collection(collection).countDocuments({ postId: new Types.ObjectId(postId) });

beforeAll(async () => {
  stack = await startStack();
  [alice, bob] = await Promise.all([registerUser(stack), registerUser(stack)]);
});

afterAll(() => stack?.stop());

describe('createPost', () => {
  test('when a signed-in user posts padded content, then the post is stored trimmed with its author and zero counters', async () => {
    const { createPost: post } = await ok(CREATE, { content: '  \n Hello, Chirp!\t ' }, alice);
    expect(post).toMatchObject({
      content: 'Hello, Chirp!',
      editedAt: null,
      likeCount: 0,
      commentCount: 0,
      likedByViewer: false,
      author: { id: alice.id, username: alice.username, name: `Name of ${alice.username}` },
    });
    expect(await getPost(post.id)).toEqual(post);
  });

  test('when the content has line breaks and tabs inside, then they are kept', async () => {
    expect((await ok(CREATE, { content: 'line one\nline\ttwo' }, alice)).createPost.content).toBe('line one\nline\ttwo');
  });

  test('when the content is 280 emoji (280 code points, 560 UTF-16 units), then it is accepted whole', async () => {
    const content = '😀'.repeat(280);
    expect((await ok(CREATE, { content }, alice)).createPost.content).toBe(content);
  });

  test.each([
    ['empty', ''],
    ['whitespace-only', ' \n\t '],
    ['281 characters', 'a'.repeat(281)],
    ['281 emoji', '😀'.repeat(281)],
    ['a NUL byte', 'a\u0000b'],
    ['a terminal escape', '\u001b[31mred'],
  ])('when the content is %s, then it is BAD_USER_INPUT', async (_name, content) => {
    expectError(await gql(CREATE, { content }, alice), 'BAD_USER_INPUT');
  });

  test('when the request is anonymous, then it is UNAUTHENTICATED and nothing is stored', async () => {
    const before = await stack.posts.connection.collection('posts').countDocuments();
    expectError(await gql(CREATE, { content: 'anonymous' }), 'UNAUTHENTICATED');
    expect(await stack.posts.connection.collection('posts').countDocuments()).toBe(before);
  });
});

describe('post', () => {
  test('when the id exists, then the post comes with its author resolved from the auth subgraph', async () => {
    const id = await createPost(stack, bob, 'by bob');
    expect(await getPost(id)).toMatchObject({
      id,
      content: 'by bob',
      author: { id: bob.id, username: bob.username, name: `Name of ${bob.username}` },
    });
  });

  test('when the id is upper-case hex of an existing post, then the same post is found', async () => {
    const id = await createPost(stack, bob);
    expect((await getPost(id.toUpperCase())).id).toBe(id);
  });

  test('when the id is malformed, then it is BAD_USER_INPUT', async () => {
    expectError(await gql(POST, { id: MALFORMED_ID }), 'BAD_USER_INPUT');
  });

  test('when a well-formed id matches nothing, then post is null without error', async () => {
    expect(await getPost(unknownId())).toBeNull();
  });
});

describe('updatePost', () => {
  test('when the author edits, then content changes (trimmed) and editedAt is set', async () => {
    const id = await createPost(stack, alice, 'first draft');
    const before = await getPost(id);
    const { updatePost: updated } = await ok(UPDATE, { id, content: '  second draft ' }, alice);
    expect(updated).toMatchObject({ id, content: 'second draft', author: { id: alice.id } });
    expect(updated.editedAt).not.toBeNull();
    expect(Date.parse(updated.editedAt)).toBeGreaterThanOrEqual(Date.parse(before.createdAt));
    expect(updated.createdAt).toBe(before.createdAt);
    expect(await getPost(id)).toEqual(updated);
  });

  test.each([
    ['another user edits', 'FORBIDDEN', () => bob, 'hijacked'],
    ['the content is blank', 'BAD_USER_INPUT', () => alice, '   '],
    ['the content is too long', 'BAD_USER_INPUT', () => alice, 'x'.repeat(281)],
    ['the request is anonymous', 'UNAUTHENTICATED', () => undefined, 'anonymous edit'],
  ])('when %s, then it is %s and the post is unchanged', async (_case, code, who, content) => {
    const id = await createPost(stack, alice, 'original');
    const before = await getPost(id);
    expectError(await gql(UPDATE, { id, content }, who()), code);
    expect(await getPost(id)).toEqual(before);
  });

  test('when the post does not exist, then it is NOT_FOUND', async () => {
    expectError(await gql(UPDATE, { id: unknownId(), content: 'x' }, alice), 'NOT_FOUND');
  });

  test('when the id is malformed, then it is BAD_USER_INPUT', async () => {
    expectError(await gql(UPDATE, { id: MALFORMED_ID, content: 'x' }, alice), 'BAD_USER_INPUT');
  });
});

describe('deletePost', () => {
  test('when the author deletes a post with comments and likes, then it returns the id and the post, its comments and likes are gone', async () => {
    const id = await createPost(stack, alice, 'short-lived');
    const other = await createPost(stack, alice, 'survivor');
    for (const postId of [id, other]) {
      await ok(COMMENT, { postId, content: 'a comment' }, bob);
      await ok(LIKE, { postId }, bob);
      await ok(LIKE, { postId }, alice);
    }
    expect([await countByPost('comments', id), await countByPost('likes', id)]).toEqual([1, 2]);

    expect((await ok(DELETE, { id }, alice)).deletePost).toBe(id);

    expect(await getPost(id)).toBeNull();
    expect([await countByPost('comments', id), await countByPost('likes', id)]).toEqual([0, 0]);
    expect([await countByPost('comments', other), await countByPost('likes', other)]).toEqual([1, 2]);
  });

  test('when another user deletes, then it is FORBIDDEN and the post stays', async () => {
    const id = await createPost(stack, alice, 'mine');
    expectError(await gql(DELETE, { id }, bob), 'FORBIDDEN');
    expect((await getPost(id)).content).toBe('mine');
  });

  test('when a post is deleted twice, then the second delete is NOT_FOUND', async () => {
    const id = await createPost(stack, alice);
    await ok(DELETE, { id }, alice);
    expectError(await gql(DELETE, { id }, alice), 'NOT_FOUND');
  });

  test('when the id is malformed, then it is BAD_USER_INPUT', async () => {
    expectError(await gql(DELETE, { id: MALFORMED_ID }, alice), 'BAD_USER_INPUT');
  });
});

describe('addComment and comments', () => {
  test('when users comment, then commentCount increments and comments list oldest first with author and post', async () => {
    const postId = await createPost(stack, alice, 'discuss');
    const commenters = [bob, alice, bob];
    const created: string[] = [];
    for (const [index, author] of commenters.entries()) {
      const { addComment: comment } = await ok(COMMENT, { postId, content: ` comment ${index} ` }, author);
      expect(comment).toMatchObject({
        content: `comment ${index}`,
        author: { id: author.id, username: author.username },
        post: { id: postId, commentCount: index + 1 },
      });
      created.push(comment.id);
    }
    expect((await getPost(postId)).commentCount).toBe(3);

    const firstPage = (await ok(COMMENTS, { id: postId, first: 2 })).post.comments;
    expect(firstPage.pageInfo.hasNextPage).toBe(true);
    const rest = (await ok(COMMENTS, { id: postId, first: 2, after: firstPage.pageInfo.endCursor })).post.comments;
    expect(rest.pageInfo).toEqual({ hasNextPage: false, endCursor: rest.edges[0].cursor });
    const nodes = [...firstPage.edges, ...rest.edges].map((edge: { node: unknown }) => edge.node);
    expect(nodes).toEqual(
      created.map((id, index) => ({
        id,
        content: `comment ${index}`,
        author: { id: commenters[index]!.id, username: commenters[index]!.username },
        post: { id: postId },
      })),
    );
  });

  test('when the post does not exist, then it is NOT_FOUND and no comment is stored', async () => {
    const postId = unknownId();
    expectError(await gql(COMMENT, { postId, content: 'hello?' }, bob), 'NOT_FOUND');
    expect(await countByPost('comments', postId)).toBe(0);
  });

  test.each([
    ['blank content', '  '],
    ['281 characters', 'c'.repeat(281)],
  ])('when the comment has %s, then it is BAD_USER_INPUT and commentCount is unchanged', async (_case, content) => {
    const postId = await createPost(stack, alice);
    expectError(await gql(COMMENT, { postId, content }, bob), 'BAD_USER_INPUT');
    expect((await getPost(postId)).commentCount).toBe(0);
    expect(await countByPost('comments', postId)).toBe(0);
  });

  test('when the postId is malformed, then it is BAD_USER_INPUT', async () => {
    expectError(await gql(COMMENT, { postId: MALFORMED_ID, content: 'x' }, bob), 'BAD_USER_INPUT');
  });

  test('when the request is anonymous, then it is UNAUTHENTICATED', async () => {
    const postId = await createPost(stack, alice);
    expectError(await gql(COMMENT, { postId, content: 'x' }), 'UNAUTHENTICATED');
  });
});

describe('likePost and unlikePost', () => {
  test('when a user likes twice, then there is one like, seen by the liker only', async () => {
    const postId = await createPost(stack, alice);
    for (let i = 0; i < 2; i++) {
      expect((await ok(LIKE, { postId }, bob)).likePost).toEqual({ id: postId, likeCount: 1, likedByViewer: true });
    }
    expect(await countByPost('likes', postId)).toBe(1);
    expect(await getPost(postId, bob)).toMatchObject({ likeCount: 1, likedByViewer: true });
    expect(await getPost(postId, alice)).toMatchObject({ likeCount: 1, likedByViewer: false });
    expect(await getPost(postId)).toMatchObject({ likeCount: 1, likedByViewer: false });
  });

  test('when a user unlikes twice, then the count is 0, not negative', async () => {
    const postId = await createPost(stack, alice);
    await ok(LIKE, { postId }, bob);
    await ok(LIKE, { postId }, alice);
    for (let i = 0; i < 2; i++) {
      expect((await ok(UNLIKE, { postId }, bob)).unlikePost).toEqual({ id: postId, likeCount: 1, likedByViewer: false });
    }
    await ok(UNLIKE, { postId }, alice);
    expect((await ok(UNLIKE, { postId }, alice)).unlikePost.likeCount).toBe(0);
    expect(await countByPost('likes', postId)).toBe(0);
  });

  test.each([
    ['likePost', LIKE],
    ['unlikePost', UNLIKE],
  ])('when %s names an unknown, a malformed id, or comes anonymously, then NOT_FOUND, BAD_USER_INPUT, UNAUTHENTICATED', async (_name, mutation) => {
    expectError(await gql(mutation, { postId: unknownId() }, bob), 'NOT_FOUND');
    expectError(await gql(mutation, { postId: MALFORMED_ID }, bob), 'BAD_USER_INPUT');
    expectError(await gql(mutation, { postId: await createPost(stack, alice) }), 'UNAUTHENTICATED');
  });
});

describe('User.posts, feed and pagination arguments', () => {
  test('when a user has 5 posts, then User.posts lists them newest first in pages linked by after', async () => {
    const author = await registerUser(stack);
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push(await createPost(stack, author, `post ${i}`));
    await createPost(stack, alice, 'someone else');

    const seen: string[] = [];
    let after: string | null = null;
    for (const expectedNext of [true, true, false]) {
      const posts: PostPage = (await ok(USER_POSTS, { id: author.id, first: 2, after })).user.posts;
      expect(posts.pageInfo.hasNextPage).toBe(expectedNext);
      expect(posts.pageInfo.endCursor).toBe(posts.edges.at(-1)?.cursor);
      for (const edge of posts.edges) {
        expect(edge.node.author.id).toBe(author.id);
        seen.push(edge.node.id);
      }
      after = posts.pageInfo.endCursor;
    }
    expect(seen).toEqual([...created].reverse());
  });

  test('when a user has no posts, then User.posts is empty with a null endCursor', async () => {
    const nobody = await registerUser(stack);
    expect((await ok(USER_POSTS, { id: nobody.id })).user.posts).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  const PAGED_FIELDS = [
    ['User.posts', USER_POSTS],
    ['User.feed', FEED],
    ['Post.comments', COMMENTS],
  ] as const;
  const BAD_ARGS: [string, Record<string, unknown>][] = [
    ['first: 0', { first: 0 }],
    ['first: 101', { first: 101 }],
    ['first: -1', { first: -1 }],
    ['a garbage after', { after: 'garbage!' }],
    ['an after that is base64 of the wrong shape', { after: Buffer.from('{"a":1}').toString('base64url') }],
  ];
  test.each(PAGED_FIELDS.flatMap(([field, query]) => BAD_ARGS.map(([name, args]) => [field, name, query, args] as const)))(
    'when %s gets %s, then it is BAD_USER_INPUT',
    async (field, _name, query, args) => {
      const id = field === 'Post.comments' ? await createPost(stack, alice) : alice.id;
      expectError(await gql(query, { id, ...args }, alice), 'BAD_USER_INPUT');
    },
  );

  test('when first is 100, then it is accepted', async () => {
    expect((await ok(USER_POSTS, { id: alice.id, first: 100 })).user.posts.edges.length).toBeGreaterThan(0);
  });

  test("when a user asks for another user's feed, then it is FORBIDDEN", async () => {
    expectError(await gql(FEED, { id: bob.id }, alice), 'FORBIDDEN');
  });

  test('when an anonymous request asks for a feed, then it is UNAUTHENTICATED', async () => {
    expectError(await gql(FEED, { id: bob.id }), 'UNAUTHENTICATED');
  });

  test('when the request is anonymous, then me is null', async () => {
    expect(await ok(`{ me { id feed { edges { node { id } } } } }`, {})).toEqual({ me: null });
  });
});
