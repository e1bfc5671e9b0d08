import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { GRAPHIQL_FILES, graphiqlFileInPackage } from '@chirp/gateway/graphiql';
import { startStack, type Stack } from '@chirp/test-kit';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

/** Where the page's scripts, styles and links point, resolved as a browser resolves them against `page`. */
const referencesOf = (html: string, page: string) =>
  [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((match) => new URL(match[1]!, page)).filter((url) => url.protocol !== 'data:');

test.each(['test', 'development'])('when NODE_ENV is %s, then /graphiql is an HTML page whose every file the gateway serves itself', async (nodeEnv) => {
  const gateway = nodeEnv === 'test' ? stack.gateway : await stack.gatewayWith({ NODE_ENV: nodeEnv });
  const page = await fetch(`${gateway.url}/graphiql`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
  const html = await page.text();

  const references = referencesOf(html, page.url);
  expect(references.map((url) => url.pathname).sort()).toEqual(GRAPHIQL_FILES.map((file) => `/graphiql/${file.name}`).sort());
  for (const url of references) {
    expect(url.origin).toBe(new URL(gateway.url).origin);
    const file = GRAPHIQL_FILES.find((entry) => url.pathname === `/graphiql/${entry.name}`)!;
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(file.name.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
    expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(graphiqlFileInPackage(file)))).toBe(true);
  }
});

test('when /graphiql is served, then its own Content-Security-Policy lets it reach only the gateway', async () => {
  const policy = (await fetch(`${stack.gateway.url}/graphiql`)).headers.get('content-security-policy') ?? '';
  expect(policy).toContain("default-src 'none'");
  expect(policy).toContain("connect-src 'self'");
  expect(policy).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/]+=*'/);
});

test('when NODE_ENV is production, then /graphiql and its files are 404', async () => {
  const gateway = await stack.gatewayWith({ NODE_ENV: 'production' });
  for (const path of ['/graphiql', ...GRAPHIQL_FILES.map((file) => `/graphiql/${file.name}`)]) {
    const response = await fetch(`${gateway.url}${path}`);
    expect([path, response.status]).toEqual([path, 404]);
  }
});

test('when a browser asks /graphql for HTML, then the Sandbox page links to /graphiql', async () => {
  const page = await fetch(`${stack.gateway.url}/graphql`, { headers: { accept: 'text/html' } });
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toMatch(/sandbox/i);
  const links = [...html.matchAll(/<a\b[^>]*\bhref="([^"]+)"/g)].map((match) => new URL(match[1]!, page.url).pathname);
  expect(links).toContain('/graphiql');
});

test('when GraphiQL and its files are fetched again and again, then the general rate limit does not count them', async () => {
  const gateway = await stack.gatewayWith({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_PER_MINUTE: '2' });
  for (let load = 0; load < 2; load += 1) {
    for (const path of ['/graphiql', ...GRAPHIQL_FILES.map((file) => `/graphiql/${file.name}`)]) {
      const response = await fetch(`${gateway.url}${path}`);
      expect([path, response.status, response.headers.get('x-ratelimit-remaining')]).toEqual([path, 200, null]);
    }
  }
  expect((await fetch(`${gateway.url}/posts-api`)).headers.get('x-ratelimit-remaining')).toBe('1');
});
