import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { createCredentialSigner, generateServiceSecret, SERVICE_CREDENTIAL_HEADER } from '@chirp/platform';
import { createPost, eventually, follow, registerUser, type TestUser, TEST_SERVICE_SECRET, startStack, type Stack } from '@chirp/test-kit';

/** The whole system as production runs it: NODE_ENV=production, so every subgraph requires the gateway's credential. */
let production: Stack;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  production = await startStack({ NODE_ENV: 'production' });
  [alice, bob] = await Promise.all([registerUser(production), registerUser(production)]);
});
afterAll(() => production?.stop());

const SUBGRAPHS = ['auth', 'users', 'posts'] as const;
const ENTITIES = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id followersCount followedByViewer } } }';

/** A GraphQL call straight to a subgraph, as an attacker who found its address would make. */
async function direct(stack: Stack, subgraph: (typeof SUBGRAPHS)[number], body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack[subgraph].url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

const credential = (secret: string, options: jwt.SignOptions = {}) =>
  jwt.sign({ addr: '203.0.113.9' }, secret, { algorithm: 'HS256', audience: 'chirp-subgraphs', issuer: 'gateway', expiresIn: 60, ...options });

describe('in production, subgraphs answer only the gateway', () => {
  test('when the system is used through the gateway, then every call (gateway→subgraph, users→auth) carries a credential that passes', async () => {
    const postId = await createPost(production, bob, 'Signed all the way');
    await follow(production, alice, bob);
    // The follow's copy of bob's posts is the timeline worker's, a moment later.
    await eventually(async () => {
      const { data, errors } = await production.graphql('{ me { followingCount feed { edges { node { id author { username } } } } } }', {}, { token: alice.token });
      expect(errors).toBeUndefined();
      expect(data!.me.followingCount).toBe(1);
      expect(data!.me.feed.edges.map((edge: any) => edge.node.id)).toContain(postId);
    });
  });

  test.each(SUBGRAPHS)('when the %s subgraph is called directly without a credential, then it is refused with 401 and nothing runs', async (subgraph) => {
    const { status, body } = await direct(production, subgraph, { query: '{ __typename }' });
    expect(status).toBe(401);
    expect(body.errors.map((error: any) => [error.extensions.code, error.message])).toEqual([
      ['UNAUTHENTICATED', 'This service answers only the Chirp gateway'],
    ]);
  });

  test('when _entities is asked directly, then it is refused, token or not', async () => {
    const { status, body } = await direct(
      production,
      'users',
      { query: ENTITIES, variables: { r: [{ __typename: 'User', id: bob.id }] } },
      { authorization: `Bearer ${alice.token}` },
    );
    expect(status).toBe(401);
    expect(body.data).toBeUndefined();
  });

  test('when a write is sent directly, then nothing is written', async () => {
    const { status } = await direct(
      production,
      'posts',
      { query: 'mutation { createPost(input: { content: "around the gateway" }) { id } }' },
      { authorization: `Bearer ${alice.token}` },
    );
    expect(status).toBe(401);
    const { data } = await production.graphql('{ me { posts { edges { node { content } } } } }', {}, { token: alice.token });
    expect(data!.me.posts.edges).toEqual([]);
  });

  test.each([
    ['signed with another secret', () => credential(generateServiceSecret())],
    ['expired', () => credential(TEST_SERVICE_SECRET, { expiresIn: -10 })],
    ['for another audience', () => credential(TEST_SERVICE_SECRET, { audience: 'chirp' })],
    ['unsigned (alg none)', () => jwt.sign({ addr: '203.0.113.9' }, '', { algorithm: 'none', audience: 'chirp-subgraphs', issuer: 'gateway' })],
    ['not a JWT', () => 'garbage'],
  ])('when the credential is %s, then it is refused with 401', async (_label, make) => {
    const { status, body } = await direct(production, 'posts', { query: '{ __typename }' }, { [SERVICE_CREDENTIAL_HEADER]: make() });
    expect(status).toBe(401);
    expect(body.errors[0]).toMatchObject({ message: 'Invalid service credential', extensions: { code: 'UNAUTHENTICATED' } });
  });

  test('when the credential is the services’ own, then the subgraph answers', async () => {
    const signed = createCredentialSigner(TEST_SERVICE_SECRET, 'gateway')('203.0.113.9');
    const { status, body } = await direct(production, 'posts', { query: '{ __typename }' }, { [SERVICE_CREDENTIAL_HEADER]: signed });
    expect([status, body]).toEqual([200, { data: { __typename: 'Query' } }]);
  });
});

describe('outside production', () => {
  let development: Stack;
  beforeAll(async () => {
    development = await startStack({ NODE_ENV: 'development' });
  });
  afterAll(() => development?.stop());

  test('when a subgraph is called directly without a credential, then it answers (for tools and tests), but a bad credential is still refused', async () => {
    expect((await direct(development, 'posts', { query: '{ __typename }' })).status).toBe(200);
    const forged = await direct(development, 'posts', { query: '{ __typename }' }, { [SERVICE_CREDENTIAL_HEADER]: credential(generateServiceSecret()) });
    expect(forged.status).toBe(401);
  });
});
