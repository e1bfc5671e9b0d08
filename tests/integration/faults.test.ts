import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { loadGatewayConfig } from '@chirp/gateway/config';
import { startGateway } from '@chirp/gateway/server';
import { subgraph as postsSubgraph } from '@chirp/posts-subgraph';
import { startSubgraph } from '@chirp/subgraph-kit';
import { startEmbeddedMongo } from '@chirp/embedded-mongo';
import {
  createPost,
  registerUser,
  type TestUser,
  freePort,
  graphqlClient,
  startStack,
  type Stack,
  testDbName,
} from '@chirp/test-kit';

let stack: Stack;
let user: TestUser;
let postId: string;

beforeAll(async () => {
  stack = await startStack();
  user = await registerUser(stack);
  postId = await createPost(stack, user, 'still here');
});
afterAll(() => stack?.stop());

/** Polls until `check` passes: recovery is asynchronous (the driver reconnects on its own schedule). */
async function eventually(check: () => Promise<boolean>, attempts = 60): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('condition never held');
}

const MIXED = 'query Mixed($id: ID!) { me { username } post(id: $id) { content } }';

describe('when a subgraph is down', () => {
  test('then the gateway answers what it can, names the missing service, and recovers by itself when it returns', async () => {
    const postsPort = stack.posts.port;
    await stack.posts.stop();

    const down = await stack.graphql(MIXED, { id: postId }, { token: user.token });
    expect(down.data).toEqual({ me: { username: user.username }, post: null });
    expect(down.errors?.map((error) => [error.message, error.extensions?.code])).toContainEqual([
      'The posts service is unavailable',
      'SERVICE_UNAVAILABLE',
    ]);
    const rest = await fetch(`${stack.gateway.url}/posts-api/v1/posts/${postId}`);
    expect([rest.status, await rest.json()]).toEqual([503, { detail: 'The posts service is unavailable', code: 'SERVICE_UNAVAILABLE' }]);

    stack.posts = await startSubgraph(postsSubgraph, postsSubgraph.loadConfig({ ...stack.env, POSTS_PORT: String(postsPort) }));
    const back = await stack.graphql(MIXED, { id: postId }, { token: user.token });
    expect(back).toEqual({ status: 200, data: { me: { username: user.username }, post: { content: 'still here' } } });
  });

  test('then a subgraph that accepts but never answers is reported unavailable instead of hanging the request', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => void sockets.push(socket));
    const port = await freePort();
    await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
    const gateway = await startGateway(loadGatewayConfig({ ...stack.env, PORT: '0', POSTS_URL: `http://127.0.0.1:${port}/graphql` }));
    try {
      const response = await graphqlClient(`${gateway.url}/graphql`)(MIXED, { id: postId }, { token: user.token });
      expect(response.data).toEqual({ me: { username: user.username }, post: null });
      expect(response.errors?.[0]?.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', serviceName: 'posts' });
    } finally {
      await gateway.stop();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 20_000);
});

describe('when MongoDB is unreachable', () => {
  test('then /ready is 503, requests fail with a clear error, and service resumes without a restart', async () => {
    const mongoPort = await freePort();
    let mongo = await startEmbeddedMongo({ port: mongoPort });
    const posts = await startSubgraph(
      postsSubgraph,
      postsSubgraph.loadConfig({ ...stack.env, MONGODB_URI: mongo.uri, POSTS_PORT: '0', POSTS_DB_NAME: testDbName('outage') }),
    );
    const create = () =>
      graphqlClient(`${posts.url}/graphql`)('mutation { createPost(input: { content: "hello" }) { content } }', {}, { token: user.token });
    try {
      expect((await create()).data).toEqual({ createPost: { content: 'hello' } });

      await mongo.stop();
      const ready = await fetch(`${posts.url}/ready`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { status: string }).status).toBe('unavailable');
      const failed = await create();
      expect(failed.errors?.map((error) => [error.message, error.extensions?.code])).toEqual([
        ['The database is unavailable; try again shortly', 'SERVICE_UNAVAILABLE'],
      ]);

      mongo = await startEmbeddedMongo({ port: mongoPort });
      await eventually(async () => (await fetch(`${posts.url}/ready`)).status === 200);
      expect((await create()).data).toEqual({ createPost: { content: 'hello' } });
    } finally {
      await posts.stop();
      await mongo.stop();
    }
  }, 60_000);
});
