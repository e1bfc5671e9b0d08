import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { Types } from 'mongoose';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '@chirp/platform';
import {
  registerUser,
  type TestUser,
  errorCodes,
  graphqlClient,
  type GraphQLClient,
  ecKeyPair,
  testKeys,
  startStack,
  type Stack,
} from '@chirp/test-kit';

let stack: Stack;
let user: TestUser;
let other: TestUser;
beforeAll(async () => {
  stack = await startStack();
  [user, other] = await Promise.all([registerUser(stack), registerUser(stack)]);
});
afterAll(async () => {
  await stack?.stop();
});

const base64url = (value: object | string) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** The session `user` signed in with: the forgeries below name it, so that only what they change is wrong. */
const sessionOf = (token: string) => (jwt.decode(token) as jwt.JwtPayload).sid as string;

/** A token with our claims, signed ES256 by `key` (the real private key unless told), with claims overridden or dropped. */
function signed(overrides: Record<string, unknown> = {}, key = testKeys().privateKey): string {
  const claims: Record<string, unknown> = { sub: user.id, sid: sessionOf(user.token), iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, iat: now(), exp: now() + 600, ...overrides };
  for (const name of Object.keys(claims)) if (claims[name] === undefined) delete claims[name];
  return jwt.sign(claims, key, { algorithm: 'ES256' });
}

/** Forgeries jsonwebtoken refuses to make: we assemble them by hand. */
function unsigned(): string {
  const payload = jwt.decode(signed()) as object;
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(payload)}.`;
}

function hs256WithPublicKey(): string {
  const payload = jwt.decode(signed()) as object;
  const input = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(payload)}`;
  return `${input}.${createHmac('sha256', testKeys().publicKey).update(input).digest('base64url')}`;
}

function tamperedSubject(): string {
  const [header, payload, signature] = signed().split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as object;
  return `${header}.${base64url({ ...claims, sub: other.id })}.${signature}`;
}

/** Each bad credential, as the Authorization header it is sent in. */
const BAD_AUTHORIZATION: [string, () => string][] = [
  ['an expired token', () => `Bearer ${signed({ iat: now() - 7200, exp: now() - 3600 })}`],
  ['an alg "none" token', () => `Bearer ${unsigned()}`],
  ['an HS256 token keyed with the public key', () => `Bearer ${hs256WithPublicKey()}`],
  ['a token from another issuer', () => `Bearer ${signed({ iss: 'someone-else' })}`],
  ['a token for another audience', () => `Bearer ${signed({ aud: 'another-api' })}`],
  ['a token whose subject was changed', () => `Bearer ${tamperedSubject()}`],
  ['a token signed by another key pair', () => `Bearer ${signed({}, ecKeyPair().privateKey)}`],
  ['a token without exp', () => `Bearer ${signed({ exp: undefined })}`],
  ['a token whose subject is not an id', () => `Bearer ${signed({ sub: 'admin' })}`],
  ['a token without a session', () => `Bearer ${signed({ sid: undefined })}`],
  ['a token whose session is not an id', () => `Bearer ${signed({ sid: 'default' })}`],
  ['a token naming a session never opened', () => `Bearer ${signed({ sid: 'eeeeeeeeeeeeeeeeeeeeeeee' })}`],
  ["a token naming another user's session", () => `Bearer ${signed({ sid: sessionOf(other.token) })}`],
  ['a bearer of garbage', () => 'Bearer not.a.jwt'],
  ['Basic credentials', () => 'Basic xyz'],
];

/** Every process that accepts requests, with an operation that works anonymously there. */
const ENDPOINTS: { name: string; client: () => GraphQLClient; query: string }[] = [
  { name: 'the gateway', client: () => stack.graphql, query: '{ me { id } }' },
  { name: 'the auth subgraph', client: () => graphqlClient(`${stack.auth.url}/graphql`), query: '{ me { id } }' },
  { name: 'the users subgraph', client: () => graphqlClient(`${stack.users.url}/graphql`), query: '{ _service { sdl } }' },
  { name: 'the posts subgraph', client: () => graphqlClient(`${stack.posts.url}/graphql`), query: '{ _service { sdl } }' },
];

describe('issued tokens', () => {
  test('when a user logs in, then the token is an ES256 JWT with sub, sid (a session auth holds), iat, exp, iss and aud', async () => {
    const decoded = jwt.decode(user.token, { complete: true });
    expect(decoded?.header).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    const payload = decoded?.payload as jwt.JwtPayload;
    expect(payload).toMatchObject({ sub: user.id, sid: expect.stringMatching(/^[0-9a-f]{24}$/), iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE });
    const session = await stack.auth.connection.collection('sessions').findOne({ _id: new Types.ObjectId(payload.sid as string) });
    expect(session).toMatchObject({ userId: user.id, expiresAt: new Date(payload.exp! * 1000) });
    expect(payload.iat).toBeLessThanOrEqual(now());
    expect(payload.exp).toBeGreaterThan(now());
    expect(() => jwt.verify(user.token, testKeys().publicKey, { algorithms: ['ES256'] })).not.toThrow();
  });
});

describe.each(ENDPOINTS)('at $name', ({ client, query }) => {
  test.each(BAD_AUTHORIZATION)('when the request carries %s, then it is UNAUTHENTICATED with no data', async (_label, header) => {
    const response = await client()(query, {}, { headers: { authorization: header() } });
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    expect(response.data ?? null).toBeNull();
  });

  test('when the request carries no Authorization header, then it is served anonymously', async () => {
    const response = await client()(query);
    expect(response.errors).toBeUndefined();
    expect(response.data).toBeTruthy();
  });

  test('when the request carries a valid token, then it is served', async () => {
    const response = await client()(query, {}, { token: user.token });
    expect(response.errors).toBeUndefined();
    expect(response.data).toBeTruthy();
  });
});

test.each(ENDPOINTS.slice(0, 2))('when $name gets a valid token, then me is its subject', async ({ client }) => {
  const response = await client()<{ me: { id: string } }>('{ me { id } }', {}, { token: user.token });
  expect(response.data?.me.id).toBe(user.id);
});

describe('a validly signed token whose account and session do not exist (a database reset under the same key)', () => {
  const ghost = () => signed({ sub: 'ffffffffffffffffffffffff', sid: 'eeeeeeeeeeeeeeeeeeeeeeee' });

  test('when it asks to post through GraphQL or REST, then it is UNAUTHENTICATED and nothing is written', async () => {
    const posts = stack.posts.connection.collection('posts');
    const before = await posts.countDocuments();
    const graphql = await stack.graphql('mutation { createPost(input: { content: "from nobody" }) { id } }', {}, { token: ghost() });
    expect(graphql.status).toBe(401);
    expect(errorCodes(graphql)).toEqual(['UNAUTHENTICATED']);
    const rest = await fetch(`${stack.gateway.url}/posts-api/v1/posts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ghost()}` },
      body: JSON.stringify({ content: 'from nobody' }),
    });
    expect([rest.status, await rest.json()]).toEqual([401, { detail: 'This session has ended: sign in again', code: 'UNAUTHENTICATED' }]);
    expect(await posts.countDocuments()).toBe(before);
  });
});
