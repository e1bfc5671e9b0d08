import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import mongoose, { type Connection } from 'mongoose';
import { GRAPHIQL_FILES } from '@chirp/gateway/graphiql';
import { handler as gatewayHandler } from '@chirp/gateway/lambda';
import { handler as authHandler } from '@chirp/auth-subgraph/lambda';
import type { ApiGatewayEvent } from '@chirp/platform';
import { handler as postsHandler } from '@chirp/posts-subgraph/lambda';
import { handler as usersHandler } from '@chirp/users-subgraph/lambda';
import { packageLambdas } from '../../tools/package-lambda';
import { createPost, testKeys, startStack, type Stack, mongoUri, testDbName } from '@chirp/test-kit';

const run = promisify(execFile);
const FIXTURES = path.join(__dirname, '../fixtures/lambda');

async function fixture(name: string): Promise<any> {
  return JSON.parse(await readFile(path.join(FIXTURES, `${name}.json`), 'utf8'));
}

/** A v1 event as API Gateway would send it for a client holding `token`. */
function withToken(event: any, token: string): ApiGatewayEvent {
  const authorization = `Bearer ${token}`;
  return { ...event, headers: { ...event.headers, Authorization: authorization }, multiValueHeaders: { ...event.multiValueHeaders, Authorization: [authorization] } };
}

function context(functionName: string): Context {
  return { functionName, awsRequestId: `test-${functionName}`, callbackWaitsForEmptyEventLoop: true } as Context;
}

const json = (result: APIGatewayProxyResult) => JSON.parse(result.body);

/** Each subgraph, and a field of its SDL only it defines. */
const SUBGRAPHS = [
  { name: 'auth', handler: authHandler, field: 'register(' },
  { name: 'users', handler: usersHandler, field: 'follow(' },
  { name: 'posts', handler: postsHandler, field: 'createPost(' },
];

let stack: Stack;
const savedEnv = { ...process.env };
let createConnection: jest.SpiedFunction<typeof mongoose.createConnection>;

beforeAll(async () => {
  stack = await startStack();
  const { privateKey, publicKey } = testKeys();
  // What the functions' configuration would hold; read by each handler at its first invocation.
  Object.assign(process.env, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    BCRYPT_ROUNDS: '4',
    // Small enough for the test of the counted address to reach it; no other test here logs in.
    RATE_LIMIT_LOGINS_PER_MINUTE: '3',
    MONGODB_URI: mongoUri(),
    JWT_PRIVATE_KEY: privateKey,
    JWT_PUBLIC_KEY: publicKey,
    AUTH_DB_NAME: testDbName('lambda-auth'),
    USERS_DB_NAME: testDbName('lambda-users'),
    POSTS_DB_NAME: testDbName('lambda-posts'),
    AUTH_URL: stack.env.AUTH_URL,
    USERS_URL: stack.env.USERS_URL,
    POSTS_URL: stack.env.POSTS_URL,
  });
  // Spied after the stack started, so it sees only the connections the handlers open.
  createConnection = jest.spyOn(mongoose, 'createConnection');
});

afterAll(async () => {
  for (const result of createConnection.mock.results) {
    const connection = result.value as Connection;
    await connection.dropDatabase();
    await connection.close();
  }
  createConnection.mockRestore();
  await stack.stop();
  process.env = savedEnv;
});

describe('subgraph handlers', () => {
  test('a failed start is not cached: the next invocation starts again', async () => {
    const event = await fixture('http-v2-subgraph-service');
    const uri = mongoUri();
    process.env.MONGODB_URI = 'not-a-uri';
    await expect(postsHandler(event, context('posts'))).rejects.toThrow(/MONGODB_URI/);
    process.env.MONGODB_URI = uri;
    expect((await postsHandler(event, context('posts'))).statusCode).toBe(200);
    expect(createConnection).toHaveBeenCalledTimes(1);
  });

  test('each answers `_service` to v2 (HTTP API) and v1 (REST API) events, on one connection per container', async () => {
    const serviceQueries = async (fixtureName: string) => {
      const event = await fixture(fixtureName);
      for (const subgraph of SUBGRAPHS) {
        const result = await subgraph.handler(event, context(subgraph.name));
        expect({ subgraph: subgraph.name, status: result.statusCode }).toEqual({ subgraph: subgraph.name, status: 200 });
        expect(result.headers?.['content-type']).toMatch(/^application\/json/);
        expect(json(result).data._service.sdl).toContain(subgraph.field);
      }
    };
    await serviceQueries('http-v2-subgraph-service');
    // Posts connected in the test before; auth and users connect at their first invocation.
    expect(createConnection).toHaveBeenCalledTimes(3);
    await serviceQueries('rest-v1-subgraph-service');
    expect(createConnection).toHaveBeenCalledTimes(3);
  });

  test('a bad token is refused with 401', async () => {
    const event = withToken(await fixture('rest-v1-subgraph-service'), 'not.a.token');
    const result = await authHandler(event, context('auth'));
    expect(result.statusCode).toBe(401);
    expect(json(result).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe('gateway handler', () => {
  test('serves the REST routes from v1 events: register, then read the feed', async () => {
    const registered = await gatewayHandler(await fixture('rest-v1-register'), context('gateway'));
    expect(registered.statusCode).toBe(201);
    const { token, user } = json(registered);
    expect(user).toMatchObject({ username: 'lambda_rest', name: 'Lambda Rest' });

    const postId = await createPost(stack, { id: user.id, username: user.username, token }, 'Hello from Lambda');
    const feed = await gatewayHandler(withToken(await fixture('rest-v1-feed'), token), context('gateway'));
    expect(feed.statusCode).toBe(200);
    expect(json(feed)).toEqual([expect.objectContaining({ id: postId, content: 'Hello from Lambda', author: expect.objectContaining({ username: 'lambda_rest' }) })]);


    const refused = await gatewayHandler(withToken(await fixture('rest-v1-feed'), 'not.a.token'), context('gateway'));
    expect(refused.statusCode).toBe(401);
    expect(json(refused)).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  test('when a client writes its own X-Forwarded-For, then the login limit still counts the request context’s source IP', async () => {
    const register = await fixture('rest-v1-register');
    const attempt = async (spoofed: string) => {
      const headers = { ...register.headers, 'X-Forwarded-For': `${spoofed}, ${register.requestContext.identity.sourceIp}` };
      const multiValueHeaders = { ...register.multiValueHeaders, 'X-Forwarded-For': [headers['X-Forwarded-For']] };
      const event = {
        ...register,
        path: '/auth-api/v1/login',
        pathParameters: { proxy: 'v1/login' },
        headers,
        multiValueHeaders,
        body: JSON.stringify({ username: 'nobody_here', password: 'wrong password' }),
      };
      return (await gatewayHandler(event, context('gateway'))).statusCode;
    };
    const statuses = [];
    for (const spoofed of ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4']) statuses.push(await attempt(spoofed));
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  test('serves GraphQL from v2 events', async () => {
    const result = await gatewayHandler(await fixture('http-v2-gateway-register'), context('gateway'));
    expect(result.statusCode).toBe(200);
    const body = json(result);
    expect(body.errors).toBeUndefined();
    expect(body.data.register).toMatchObject({ token: expect.any(String), user: { username: 'lambda_graphql', email: 'lambda_graphql@example.com' } });
  });
});

describe('npm run package:lambda', () => {
  let outDir: string;
  beforeAll(async () => {
    outDir = await mkdtemp(path.join(os.tmpdir(), 'chirp-lambda-'));
  });
  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  /** Runs a handler from its zip in a Node process of its own, as Lambda would: unpacked into LAMBDA_TASK_ROOT. */
  async function invokeZip(zip: string, event: unknown): Promise<APIGatewayProxyResult> {
    const taskRoot = await mkdtemp(path.join(outDir, 'task-'));
    await run('unzip', ['-q', zip, '-d', taskRoot]);
    const script = `require(process.argv[1]).handler(JSON.parse(process.argv[2]), { awsRequestId: 'zip-test' }).then(
      (result) => { process.stdout.write(JSON.stringify(result)); process.exit(0); },
      (error) => { console.error(error); process.exit(1); })`;
    const { stdout } = await run(process.execPath, ['-e', script, path.join(taskRoot, 'index.js'), JSON.stringify(event)], {
      cwd: taskRoot,
      env: { ...process.env, LAMBDA_TASK_ROOT: taskRoot },
    });
    return JSON.parse(stdout);
  }

  test('bundles each handler with the files it reads, and the bundles run from their zips', async () => {
    const zips = await packageLambdas(outDir);
    expect(zips.map((zip) => path.basename(zip))).toEqual(['auth.zip', 'posts.zip', 'users.zip', 'gateway.zip']);
    const entries = async (name: string) => (await run('unzip', ['-Z1', path.join(outDir, `${name}.zip`)])).stdout.split('\n').filter(Boolean);
    for (const subgraph of SUBGRAPHS) {
      expect(await entries(subgraph.name)).toEqual(['index.js', `schema/${subgraph.name}.graphql`]);
    }
    expect(await entries('gateway')).toEqual(
      expect.arrayContaining([
        'index.js',
        'schema/auth.graphql',
        'schema/users.graphql',
        'schema/posts.graphql',
        'static/logo.svg',
        'static/swagger-ui-bundle.js',
        ...GRAPHIQL_FILES.map((file) => `graphiql/${file.name}`),
      ]),
    );

    const service = await invokeZip(path.join(outDir, 'posts.zip'), await fixture('http-v2-subgraph-service'));
    expect(service.statusCode).toBe(200);
    expect(json(service).data._service.sdl).toContain('createPost(');

    const event = await fixture('http-v2-gateway-register');
    const body = JSON.parse(event.body);
    body.variables.input = { ...body.variables.input, username: 'lambda_zip', email: 'lambda_zip@example.com' };
    const registered = await invokeZip(path.join(outDir, 'gateway.zip'), { ...event, body: JSON.stringify(body) });
    expect(registered.statusCode).toBe(200);
    expect(json(registered).data.register.user.username).toBe('lambda_zip');
  }, 120_000);
});
