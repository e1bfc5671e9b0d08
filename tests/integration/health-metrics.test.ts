import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { registerUser, startStack, type Stack } from '@chirp/test-kit';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const processes = () => ({ gateway: stack.gateway, auth: stack.auth, users: stack.users, posts: stack.posts });
const text = async (url: string) => (await fetch(url)).text();

/** The value of one Prometheus sample whose labels include all of `labels`. */
function sample(metrics: string, name: string, labels: Record<string, string>): number | undefined {
  const line = metrics
    .split('\n')
    .find((candidate) => candidate.startsWith(`${name}{`) && Object.entries(labels).every(([key, value]) => candidate.includes(`${key}="${value}"`)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('health and readiness', () => {
  test.each(['gateway', 'auth', 'users', 'posts'] as const)('when %s is up, then /health and /ready answer 200', async (name) => {
    const { url } = processes()[name];
    const health = await fetch(`${url}/health`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await fetch(`${url}/ready`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
  });
});

describe('metrics', () => {
  test('when REST and GraphQL requests have run, then the gateway counts them by route, operation and error code', async () => {
    const user = await registerUser(stack);
    await fetch(`${stack.gateway.url}/posts-api/v1/feed`, { headers: { authorization: `Bearer ${user.token}` } });
    await stack.graphql('query FindPost($id: ID!) { post(id: $id) { id } }', { id: 'not-an-id' });

    const metrics = await text(stack.gateway.metricsUrl);
    expect(sample(metrics, 'chirp_http_requests_total', { route: '/posts-api/v1/feed', method: 'GET', status: '200' })).toBe(1);
    expect(sample(metrics, 'chirp_http_request_duration_seconds_count', { route: '/posts-api/v1/feed' })).toBe(1);
    expect(sample(metrics, 'chirp_graphql_operations_total', { operation: 'Feed', type: 'query' })).toBe(1);
    expect(sample(metrics, 'chirp_graphql_operations_total', { operation: 'FindPost' })).toBe(1);
    expect(sample(metrics, 'chirp_graphql_operation_duration_seconds_count', { operation: 'FindPost' })).toBe(1);
    expect(sample(metrics, 'chirp_graphql_errors_total', { code: 'BAD_USER_INPUT' })).toBeGreaterThanOrEqual(1);
    expect(metrics).toContain('service="gateway"');
  });

  test('when a subgraph has queried its database, then /metrics holds MongoDB command durations', async () => {
    await registerUser(stack);
    const metrics = await text(stack.auth.metricsUrl);
    expect(sample(metrics, 'chirp_mongodb_command_duration_seconds_count', { command: 'insert', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(metrics).toContain('service="auth-subgraph"');
  });

  test.each(['gateway', 'auth', 'users', 'posts'] as const)('when /metrics is asked of the %s public port, then it is not there', async (name) => {
    expect((await fetch(`${processes()[name].url}/metrics`)).status).toBe(404);
    expect((await fetch(processes()[name].metricsUrl)).status).toBe(200);
  });

  test('when the metrics port is asked anything but GET /metrics, then it is 404', async () => {
    expect((await fetch(stack.gateway.metricsUrl.replace(/\/metrics$/, '/graphql'))).status).toBe(404);
  });

  test('when a request carries x-request-id, then the answer carries the same id; without one, a new id', async () => {
    const given = await fetch(`${stack.gateway.url}/health`, { headers: { 'x-request-id': 'trace-me-42' } });
    expect(given.headers.get('x-request-id')).toBe('trace-me-42');
    const made = await fetch(`${stack.gateway.url}/health`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('readiness', () => {
  test('when /ready is asked many times at once, then the subgraphs are asked once, from the cached answer', async () => {
    const subgraphReadyChecks = async () =>
      sample(await text(stack.auth.metricsUrl), 'chirp_http_requests_total', { route: '/ready', status: '200' }) ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 1600)); // past any answer cached by the tests above
    const before = await subgraphReadyChecks();
    const answers = await Promise.all(Array.from({ length: 20 }, () => fetch(`${stack.gateway.url}/ready`)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    // One computation serves all twenty; two only if the burst straddled the cache's 1.5 s.
    expect((await subgraphReadyChecks()) - before).toBeLessThanOrEqual(2);
  });

  test('when the posts subgraph stops, then the gateway /ready is 503 naming it once the cached answer expires', async () => {
    await stack.posts.stop();
    let ready = await fetch(`${stack.gateway.url}/ready`);
    for (let tries = 0; ready.status === 200 && tries < 50; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      ready = await fetch(`${stack.gateway.url}/ready`);
    }
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unavailable', reason: 'posts subgraph is not ready' });
  });
});
