import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { graphqlClient, startStack, type Stack } from '@chirp/test-kit';

/**
 * Per-address limits are only as good as the address they count: a client
 * must not be able to choose it by writing X-Forwarded-For.
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

/** A gateway over the stack's subgraphs that allows two logins a minute per address, trusting `trustProxy`. */
async function gatewayTrusting(trustProxy: string) {
  const gateway = await stack.gatewayWith({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_LOGINS_PER_MINUTE: '2', TRUST_PROXY: trustProxy });
  const graphql = graphqlClient(`${gateway.url}/graphql`);
  return async (forwardedFor: string): Promise<string | undefined> => {
    const { errors } = await graphql(
      'mutation { login(input: { username: "nobody_at_all", password: "wrong password" }) { token } }',
      {},
      { headers: { 'x-forwarded-for': forwardedFor } },
    );
    return errors?.[0]?.extensions?.code;
  };
}

describe('the address the gateway counts', () => {
  test('when no proxy is trusted (the default), then X-Forwarded-For is ignored and every attempt counts against the peer', async () => {
    const login = await gatewayTrusting('false');
    const codes = [];
    for (const spoofed of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) codes.push(await login(spoofed));
    expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED']);
  });

  test('when one proxy hop is trusted, then the address it appends is counted, and what the client wrote before it is not', async () => {
    const login = await gatewayTrusting('1');
    // The trusted proxy appends the address it saw: the client is 203.0.113.5, whatever it wrote first.
    const codes = [];
    for (const spoofed of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) codes.push(await login(`${spoofed}, 203.0.113.5`));
    expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED']);
    // Another client behind the same proxy has a budget of its own.
    expect(await login('203.0.113.6')).toBe('UNAUTHENTICATED');
  });

  test('when the peer is not one of the trusted proxies, then its X-Forwarded-For is ignored', async () => {
    const login = await gatewayTrusting('10.0.0.0/8');
    const codes = [];
    for (const claimed of ['203.0.113.7', '203.0.113.8', '203.0.113.9']) codes.push(await login(claimed));
    expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED']);
  });
});

describe('the address the auth subgraph counts', () => {
  let throttled: Stack;
  beforeAll(async () => {
    // The gateway's own login limit out of the way, so that the auth subgraph's throttle is what answers.
    throttled = await startStack({
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_LOGINS_PER_MINUTE: '1000',
      AUTH_THROTTLE_LOGINS_PER_ADDRESS: '2',
      TRUST_PROXY: '1',
    });
  });
  afterAll(() => throttled?.stop());

  const LOGIN = 'mutation { login(input: { username: "nobody_at_all", password: "wrong password" }) { token } }';
  const codeOf = (response: { errors?: { extensions?: Record<string, any> }[] }) => response.errors?.[0]?.extensions?.code;

  test('when logins come through the gateway, then auth counts the client address the gateway vouches for, not the gateway’s own', async () => {
    const viaProxy = (client: string) => throttled.graphql(LOGIN, {}, { headers: { 'x-forwarded-for': client } }).then(codeOf);
    const codes = [];
    for (let attempt = 0; attempt < 3; attempt += 1) codes.push(await viaProxy('203.0.113.5'));
    expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED']);
    // Another client behind the same gateway is counted apart: auth did not count the gateway's address.
    expect(await viaProxy('203.0.113.6')).toBe('UNAUTHENTICATED');
  });

  test('when a caller reaches auth directly and writes X-Forwarded-For, then auth counts the peer address, not the header', async () => {
    const direct = (spoofed: string) =>
      fetch(`${throttled.auth.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': spoofed },
        body: JSON.stringify({ query: LOGIN }),
      }).then(async (response) => codeOf((await response.json()) as any));
    const codes = [];
    for (const spoofed of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) codes.push(await direct(spoofed));
    expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED']);
  });
});
