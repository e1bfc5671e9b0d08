import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Types } from 'mongoose';
import {
  createPost,
  follow,
  PASSWORD,
  registerUser,
  type TestUser,
  graphqlClient,
  type GraphQLResponse,
  startStack,
  type Stack,
} from '@chirp/test-kit';

/**
 * GraphQL-shaped abuse: documents small on the wire that would make the
 * gateway or a subgraph work without bound (fragments spread twice at every
 * level, aliases repeating a write or a look-up, page sizes hidden in variable
 * defaults, logins wrapped so the login limit does not see them).
 */
let stack: Stack;
let user: TestUser;

beforeAll(async () => {
  stack = await startStack();
  user = await registerUser(stack);
});
afterAll(async () => {
  await stack?.stop();
});

/** graphql-js's own words (and spelling) when the parser's token cap stops it. */
const TOO_MANY_TOKENS = 'Syntax Error: Document contains more that 2000 tokens. Parsing aborted.';

const messagesAndCodes = (response: GraphQLResponse) => (response.errors ?? []).map((error) => [error.message, error.extensions?.code]);

/** GraphQL requests a subgraph has answered so far (its own /metrics), to show that a refusal asked it nothing. */
async function subgraphCalls(url: string): Promise<number> {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  return metrics
    .split('\n')
    .filter((line) => line.startsWith('chirp_http_requests_total{') && line.includes('route="/graphql"'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/** Fragments F0…F(levels-1) on User, each spreading the next twice: 2^(levels-1) `__typename` once written out. */
const fragmentBomb = (levels: number) =>
  `query Bomb { me { ...F0 } } ${Array.from({ length: levels }, (_, level) =>
    level === levels - 1 ? `fragment F${level} on User { __typename }` : `fragment F${level} on User { ...F${level + 1} ...F${level + 1} }`,
  ).join(' ')}`;

describe('fragments', () => {
  test('when a 31-level fragment bomb arrives, then it is refused with 400 while another client’s plain request sent at the same time is answered', async () => {
    const bomb = fragmentBomb(31);
    expect(bomb.length).toBeLessThan(1400);
    const [refused, plain] = await Promise.all([stack.graphql(bomb, {}, { token: user.token }), stack.graphql('{ me { username } }', {}, { token: user.token })]);
    expect(refused.status).toBe(400);
    expect(messagesAndCodes(refused)).toEqual([
      [`Query selects ${1 + 2 ** 30} fields with its fragments written out, over the limit of 1000`, 'BAD_USER_INPUT'],
    ]);
    expect(plain.data).toEqual({ me: { username: user.username } });
  });
});

describe('login and register', () => {
  const loginVariables = { input: { username: '', password: PASSWORD } };

  test('when logins come in a fragment, an inline fragment or under aliases, then the login limit counts every one and no operation tries two passwords', async () => {
    const gateway = await stack.gatewayWith({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_LOGINS_PER_MINUTE: '3' });
    const graphql = graphqlClient(`${gateway.url}/graphql`);
    const input = { input: { ...loginVariables.input, username: user.username } };

    const inFragment = await graphql<{ login: { token: string } }>(
      'mutation ($input: LoginInput!) { ...SignIn } fragment SignIn on Mutation { login(input: $input) { token } }',
      input,
    );
    expect(inFragment.data?.login.token).toEqual(expect.any(String));
    const inInlineFragment = await graphql<{ login: { token: string } }>(
      'mutation ($input: LoginInput!) { ... on Mutation { login(input: $input) { token } } }',
      input,
    );
    expect(inInlineFragment.data?.login.token).toEqual(expect.any(String));

    const authCalls = await subgraphCalls(stack.auth.url);
    const aliased = await graphql('mutation ($input: LoginInput!) { a: login(input: $input) { token } b: login(input: $input) { token } }', input);
    expect(aliased.status).toBe(400);
    expect(aliased.data).toBeUndefined();
    expect(messagesAndCodes(aliased)).toEqual([['Operation has 2 fields that take a password (login, register, changePassword, deleteAccount), over the limit of 1', 'BAD_USER_INPUT']]);
    expect(await subgraphCalls(stack.auth.url)).toBe(authCalls);

    // 1 + 1 + 2 attempts so far, over the limit of 3: the next plain login is throttled.
    const plain = await graphql('mutation ($input: LoginInput!) { login(input: $input) { token } }', input);
    expect(plain.status).toBe(429);
    expect(plain.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 3 });
  });

  const register = (username: string) =>
    `register(input: { username: "${username}", password: "${PASSWORD}", name: "n", email: "${username}@example.com" }) { token }`;

  test.each([
    ['two aliased logins', 'mutation ($input: LoginInput!) { a: login(input: $input) { token } b: login(input: $input) { token } }', 2],
    [
      'one login fragment spread from two fragments',
      'mutation ($input: LoginInput!) { ...A ...B } fragment A on Mutation { ...L } fragment B on Mutation { ...L } fragment L on Mutation { login(input: $input) { token } }',
      2,
    ],
    ['a login beside a register in an inline fragment', `mutation ($input: LoginInput!) { login(input: $input) { token } ... on Mutation { ${register('abuse_signin')} } }`, 2],
  ])('when an operation holds %s, then it is refused before the auth subgraph is asked', async (_label, mutation, signIns) => {
    const authCalls = await subgraphCalls(stack.auth.url);
    const refused = await stack.graphql(mutation, { input: { ...loginVariables.input, username: user.username } });
    expect(refused.status).toBe(400);
    expect(messagesAndCodes(refused)).toEqual([[`Operation has ${signIns} fields that take a password (login, register, changePassword, deleteAccount), over the limit of 1`, 'BAD_USER_INPUT']]);
    expect(await subgraphCalls(stack.auth.url)).toBe(authCalls);
    expect(await stack.auth.connection.collection('users').countDocuments({ usernameKey: 'abuse_signin' })).toBe(0);
  });
});

describe('page sizes in variables', () => {
  test('when a page size is a variable’s default and no variables are sent, then the default is what is counted and the costly query is refused', async () => {
    const query = `query ($n: Int = 100) {
      user(id: "${user.id}") { followers(first: $n) { edges { node { followers(first: $n) { edges { node { id } } } } } } }
    }`;
    const refused = await stack.graphql(query);
    expect(refused.status).toBe(400);
    expect(messagesAndCodes(refused)).toEqual([[`Query cost ${2 + 100 * (2 + 1 + 100 * 3)} exceeds the limit of 25000`, 'BAD_USER_INPUT']]);
    expect((await stack.graphql(query, { n: 10 })).errors).toBeUndefined();
  });
});

describe('aliases', () => {
  const postsOf = (author: TestUser) => stack.posts.connection.collection('posts').countDocuments({ authorId: new Types.ObjectId(author.id) });

  test('when a mutation aliases createPost 300 times, then it is refused and no post is created', async () => {
    const author = await registerUser(stack);
    const aliases = Array.from({ length: 300 }, (_, index) => `p${index}: createPost(input: $input) { id }`).join(' ');
    const refused = await stack.graphql(`mutation ($input: CreatePostInput!) { ${aliases} }`, { input: { content: 'again' } }, { token: author.token });
    expect(refused.status).toBe(400);
    // 300 aliases are some 3,600 tokens: the parser stops at 2,000, before validation.
    expect(messagesAndCodes(refused)).toEqual([[TOO_MANY_TOKENS, 'GRAPHQL_PARSE_FAILED']]);
    expect(await postsOf(author)).toBe(0);
  });

  test('when a mutation has 6 root fields through aliases and fragments, then none runs; with 5, all do', async () => {
    const author = await registerUser(stack);
    const fragment = 'fragment Two on Mutation { c: createPost(input: $input) { id } d: createPost(input: $input) { id } }';
    const six = `mutation ($input: CreatePostInput!) { a: createPost(input: $input) { id } ... on Mutation { b: createPost(input: $input) { id } } ...Two e: createPost(input: $input) { id } f: createPost(input: $input) { id } } ${fragment}`;
    const refused = await stack.graphql(six, { input: { content: 'again' } }, { token: author.token });
    expect(refused.status).toBe(400);
    expect(messagesAndCodes(refused)).toEqual([['Mutation has 6 root fields, over the limit of 5', 'BAD_USER_INPUT']]);
    expect(await postsOf(author)).toBe(0);

    const five = await stack.graphql(six.replace(' f: createPost(input: $input) { id }', ''), { input: { content: 'again' } }, { token: author.token });
    expect(five.errors).toBeUndefined();
    expect(await postsOf(author)).toBe(5);
  });

  test('when a query looks up 11 users by alias, then it is refused before any subgraph is asked; ten, each with counts and posts, are answered', async () => {
    const profile = (index: number) =>
      `u${index}: user(id: "${user.id}") { username followersCount followedByViewer posts(first: 5) { edges { node { content likeCount } } } }`;
    const lookUps = (count: number) => `{ ${Array.from({ length: count }, (_, index) => profile(index)).join(' ')} }`;
    const calls = await Promise.all([stack.auth, stack.users, stack.posts].map((subgraph) => subgraphCalls(subgraph.url)));
    const refused = await stack.graphql(lookUps(11));
    expect(refused.status).toBe(400);
    expect(messagesAndCodes(refused)).toEqual([['Query has 11 root fields, over the limit of 10', 'BAD_USER_INPUT']]);
    expect(await Promise.all([stack.auth, stack.users, stack.posts].map((subgraph) => subgraphCalls(subgraph.url)))).toEqual(calls);

    const ten = await stack.graphql<Record<string, { username: string }>>(lookUps(10));
    expect(ten.errors).toBeUndefined();
    expect(Object.values(ten.data!).map((looked) => looked.username)).toEqual(Array.from({ length: 10 }, () => user.username));
  });

  test('when aliases below the root would make the query plan send more than 25 subgraph fetches, then it is refused with 400 before any is sent', async () => {
    const fan = Array.from({ length: 30 }, (_, index) => `f${index}: followers(first: 1) { edges { node { posts(first: 1) { edges { node { id } } } } } }`);
    const calls = await subgraphCalls(stack.posts.url);
    const refused = await stack.graphql(`{ me { ${fan.join(' ')} } }`, {}, { token: user.token });
    expect(refused.status).toBe(400);
    expect(messagesAndCodes(refused)).toEqual([['Query plan makes 32 subgraph fetches, over the limit of 25', 'BAD_USER_INPUT']]);
    expect(await subgraphCalls(stack.posts.url)).toBe(calls);
    expect((await stack.graphql(`{ me { ${fan.slice(0, 20).join(' ')} } }`, {}, { token: user.token })).errors).toBeUndefined();
  });
});

describe('parser tokens', () => {
  test('when a document holds more than 2,000 tokens, then it is refused with 400 before it is validated', async () => {
    const refused = await stack.graphql(`{ me { ${'id '.repeat(2_000)} } }`, {}, { token: user.token });
    expect(refused.status).toBe(400);
    expect(messagesAndCodes(refused)).toEqual([[TOO_MANY_TOKENS, 'GRAPHQL_PARSE_FAILED']]);
    // 660 aliases of one field: 1,985 tokens (the same field repeated would meet graphql-js's own budget for comparing fields).
    const aliases = Array.from({ length: 660 }, (_, index) => `a${index}: id`).join(' ');
    expect((await stack.graphql(`{ me { ${aliases} } }`, {}, { token: user.token })).errors).toBeUndefined();
  });
});

describe('subgraph limits', () => {
  test('when a subgraph is reached directly with nesting deeper than its limit, then it refuses with 400', async () => {
    const posts = graphqlClient(`${stack.posts.url}/graphql`);
    const nested = (levels: number): string => (levels === 0 ? 'id' : `post { comments { edges { node { ${nested(levels - 1)} } } } }`);
    const refused = await posts(`{ ${nested(3).replace(/^post/, 'post(id: "0123456789abcdef01234567")')} }`);
    expect(refused.status).toBe(400);
    expect(messagesAndCodes(refused)).toEqual([['Query depth 13 exceeds the limit of 12', 'BAD_USER_INPUT']]);
  });

  test('when a subgraph is reached directly with more than 10,000 tokens, then it refuses with 400 before validating', async () => {
    const refused = await graphqlClient(`${stack.posts.url}/graphql`)(`{ ${'x '.repeat(10_000)} }`);
    expect(refused.status).toBe(400);
    expect(messagesAndCodes(refused)).toEqual([[TOO_MANY_TOKENS.replace('2000', '10000'), 'GRAPHQL_PARSE_FAILED']]);
  });

  test('when the gateway admits a query at its depth and cost limits whose entities cross subgraphs, then every subgraph runs its part', async () => {
    const author = await registerUser(stack);
    const commenter = await registerUser(stack);
    await follow(stack, commenter, author);
    const postId = await createPost(stack, author);
    const comment = await stack.graphql(`mutation { addComment(postId: "${postId}", input: { content: "hi" }) { id } }`, {}, { token: commenter.token });
    expect(comment.errors).toBeUndefined();
    // Depth 10 (me, posts, edges, node, comments, edges, node, post, author, username); cost 2 + 100 × (3 + 41 × 6) = 24,902.
    const query = `{ me { posts(first: 100) { edges { node { comments(first: 41) { edges { node { post { author { username followersCount } } } } } } } } } }`;
    const answer = await stack.graphql(query, {}, { token: author.token });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.me.posts.edges[0].node.comments.edges[0].node.post.author).toEqual({ username: author.username, followersCount: 1 });
  });
});
