import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { PASSWORD, registerUser, type TestUser, graphqlClient, startStack, type Stack } from '@chirp/test-kit';

let stack: Stack;
let user: TestUser;

beforeAll(async () => {
  stack = await startStack();
  user = await registerUser(stack);
});
afterAll(async () => {
  await stack?.stop();
});

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** A connection nested `levels` times: followers { edges { node { … } } } adds 3 to the depth each time. */
const nestedFollowers = (levels: number): string =>
  levels === 0 ? 'id' : `followers(first: 1) { edges { node { ${nestedFollowers(levels - 1)} } } }`;

describe('query depth and cost', () => {
  test('when a query is 10 deep, then it runs; at 11, then it is refused before any subgraph is asked', async () => {
    // me (1) + 3 levels of followers/edges/node (9) + id (1) = 11; with two levels and username, 9.
    expect((await stack.graphql(`{ me { ${nestedFollowers(2)} username } }`, {}, { token: user.token })).errors).toBeUndefined();
    const deep = await stack.graphql(`{ me { ${nestedFollowers(3)} } }`, {}, { token: user.token });
    expect(deep.status).toBe(400);
    expect(deep.errors?.map((error) => [error.message, error.extensions?.code])).toEqual([
      ['Query depth 11 exceeds the limit of 10', 'BAD_USER_INPUT'],
    ]);
  });

  test('when nested pages would fetch too much, then the cost is refused, counting `first` from variables too', async () => {
    const query = `query Costly($n: Int) {
      me { posts(first: $n) { edges { node { comments(first: $n) { edges { node { author { username } } } } } } } }
    }`;
    expect((await stack.graphql(query, { n: 10 }, { token: user.token })).errors).toBeUndefined();
    const costly = await stack.graphql(query, { n: 100 }, { token: user.token });
    expect(costly.status).toBe(400);
    expect(costly.errors?.[0]?.message).toMatch(/^Query cost \d+ exceeds the limit of 25000$/);
  });

  test.each([
    ['a subscription', { query: 'subscription { me { id } }' }],
    ['an operationName the document lacks', { query: 'query A { me { id } }', operationName: 'B' }],
    ['two operations and no operationName', { query: 'query A { me { id } } query B { me { username } }' }],
  ])('when the document holds %s, then it is refused as the client’s mistake', async (_label, body) => {
    const response = await post(`${stack.gateway.url}/graphql`, body, { authorization: `Bearer ${user.token}` });
    expect(response.status).toBe(400);
    const { errors } = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(errors.map((error) => error.extensions.code)).toEqual(['BAD_USER_INPUT']);
  });

  test('when a batch (an array of operations) is posted, then it is refused', async () => {
    const response = await post(`${stack.gateway.url}/graphql`, [{ query: '{ me { id } }' }, { query: '{ me { id } }' }]);
    expect(response.status).toBe(400);
  });
});

describe('body limit', () => {
  test.each(['gateway', 'auth', 'users', 'posts'] as const)('when a body over 100 kB reaches the %s, then it is 413', async (name) => {
    const response = await post(`${stack[name].url}/graphql`, { query: '{ __typename }', variables: { pad: 'x'.repeat(101 * 1024) } });
    expect(response.status).toBe(413);
  });
});

describe('rate limits', () => {
  test('when logins from one address pass the limit, then GraphQL and REST both answer RATE_LIMITED with retry information', async () => {
    const gateway = await stack.gatewayWith({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_LOGINS_PER_MINUTE: '3' });
    const login = 'mutation Login($input: LoginInput!) { login(input: $input) { token } }';
    const graphql = graphqlClient(`${gateway.url}/graphql`);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      expect((await graphql(login, { input: { username: user.username, password: PASSWORD } })).errors).toBeUndefined();
    }
    expect((await post(`${gateway.url}/auth-api/v1/login`, { username: user.username, password: 'wrong password' })).status).toBe(401);

    const limited = await post(`${gateway.url}/graphql`, { query: login, variables: { input: { username: user.username, password: PASSWORD } } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await limited.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors[0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 3 });

    const rest = await post(`${gateway.url}/auth-api/v1/login`, { username: user.username, password: PASSWORD });
    expect(rest.status).toBe(429);
    expect(await rest.json()).toEqual({ detail: expect.stringMatching(/^Too many login attempts/), code: 'RATE_LIMITED' });
    expect(rest.headers.get('x-ratelimit-limit')).toBe('3');
    expect(rest.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(rest.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  test('when registrations from one address pass the limit, then the next is RATE_LIMITED and not stored', async () => {
    const gateway = await stack.gatewayWith({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_REGISTRATIONS_PER_30_MINUTES: '1' });
    const body = (username: string) => ({ username, password: PASSWORD, name: username, email: `${username}@example.com` });
    expect((await post(`${gateway.url}/auth-api/v1/register`, body('limit_first'))).status).toBe(201);
    const refused = await post(`${gateway.url}/auth-api/v1/register`, body('limit_second'));
    expect(refused.status).toBe(429);
    expect(await stack.auth.connection.collection('users').countDocuments({ usernameKey: 'limit_second' })).toBe(0);
  });

  test('when requests pass the general limit, then they are 429 with X-RateLimit headers, per user apart from anonymous, probes exempt', async () => {
    const gateway = await stack.gatewayWith({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_PER_MINUTE: '3' });
    const feed = () => fetch(`${gateway.url}/posts-api/v1/feed`, { headers: { authorization: `Bearer ${user.token}` } });
    const remaining: (string | null)[] = [];
    for (let request = 0; request < 3; request += 1) remaining.push((await feed()).headers.get('x-ratelimit-remaining'));
    expect(remaining).toEqual(['2', '1', '0']);

    const limited = await feed();
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ detail: expect.stringMatching(/^Too many requests/), code: 'RATE_LIMITED' });
    expect(limited.headers.get('x-ratelimit-limit')).toBe('3');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    const graphql = await post(`${gateway.url}/graphql`, { query: '{ me { id } }' }, { authorization: `Bearer ${user.token}` });
    expect(graphql.status).toBe(429);
    expect(((await graphql.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('RATE_LIMITED');

    expect((await fetch(`${gateway.url}/posts-api`)).status).toBe(200);
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
  });
});

describe('production mode and browser-facing headers', () => {
  test('when NODE_ENV is production, then introspection and the Sandbox page are off', async () => {
    const gateway = await stack.gatewayWith({ NODE_ENV: 'production' });
    const introspection = await graphqlClient(`${gateway.url}/graphql`)('{ __schema { types { name } } }');
    expect(introspection.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const page = await fetch(`${gateway.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toMatch(/sandbox/i);
  });

  test('when a page is served, then it carries security headers', async () => {
    const response = await fetch(`${stack.gateway.url}/posts-api`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  test('when a browser on Apollo Studio asks, then CORS allows it outside production and not for other origins', async () => {
    const preflight = (url: string, origin: string) =>
      fetch(`${url}/graphql`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
      });
    const studio = await preflight(stack.gateway.url, 'https://studio.apollographql.com');
    expect(studio.headers.get('access-control-allow-origin')).toBe('https://studio.apollographql.com');
    expect((await preflight(stack.gateway.url, 'https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();

    const production = await stack.gatewayWith({ NODE_ENV: 'production' });
    expect((await preflight(production.url, 'https://studio.apollographql.com')).headers.get('access-control-allow-origin')).toBeNull();
    const configured = await stack.gatewayWith({ CORS_ORIGINS: 'https://app.example.com' });
    expect((await preflight(configured.url, 'https://app.example.com')).headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  });
});
