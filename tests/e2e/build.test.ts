import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import mongoose from 'mongoose';
import { GATEWAY, localSubgraphUrl, PROCESSES, SUBGRAPHS, type ProcessEntry } from '@chirp/platform';
import { GRAPHIQL_FILES } from '@chirp/gateway/graphiql';
import { eventually, freePort, freePortsEnv, freshEnv, graphqlClient, mongoUri, testDbName, testKeys, TEST_SERVICE_SECRET } from '@chirp/test-kit';
import { buildProcesses, builtEntry } from '../../tools/build';
import { waitUntilHealthy } from '../../tools/wait-until-healthy';

/**
 * `npm run build`, then each process run from its build as the image runs it
 * (`node dist/<name>/main.js`, in production mode), from a folder outside the
 * repository: no TypeScript, no node_modules, no schema/ to fall back on.
 */
describe('npm run build', () => {
  let outDir: string;
  let entries: string[];
  const children = new Map<string, ChildProcess>();
  const output = new Map<string, string>();
  let ports: Record<string, string>;
  let env: NodeJS.ProcessEnv;
  const portOf = (entry: ProcessEntry) => Number(ports[entry.portVariable]);
  const databases = SUBGRAPHS.map((subgraph) => [subgraph.dbVariable, testDbName(subgraph.name)] as const);

  /** Runs `entry`'s build with `env` (which names its port), known by `name`. */
  function start(entry: ProcessEntry, processEnv: NodeJS.ProcessEnv, name = entry.name): Promise<void> {
    const child = spawn(process.execPath, [builtEntry(entry, outDir)], { cwd: outDir, env: processEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    children.set(name, child);
    output.set(name, '');
    const record = (chunk: Buffer) => output.set(name, output.get(name) + chunk.toString());
    child.stdout.on('data', record);
    child.stderr.on('data', record);
    return waitUntilHealthy(name, Number(processEnv[entry.portVariable]), { giveUp: () => child.exitCode !== null }).catch((error: unknown) => {
      throw new Error(`${name} did not start (${String(error)}):\n${output.get(name)}`);
    });
  }

  beforeAll(async () => {
    outDir = await mkdtemp(path.join(os.tmpdir(), 'chirp-build-'));
    entries = await buildProcesses(outDir);
    ports = await freePortsEnv();
    const { privateKey, publicKey } = testKeys();
    env = freshEnv({
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      MONGODB_URI: mongoUri(),
      JWT_PRIVATE_KEY: privateKey,
      JWT_PUBLIC_KEY: publicKey,
      SERVICE_SECRET: TEST_SERVICE_SECRET,
      BCRYPT_ROUNDS: '4',
      ...ports,
      ...Object.fromEntries(databases),
      ...Object.fromEntries(SUBGRAPHS.map((subgraph) => [subgraph.urlVariable, localSubgraphUrl(subgraph, portOf(subgraph))])),
    });
    await Promise.all(SUBGRAPHS.map((subgraph) => start(subgraph, env)));
    await start(GATEWAY, env);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(
      [...children.values()]
        .filter((child) => child.exitCode === null && child.signalCode === null)
        .map((child) => new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM'))),
    );
    for (const [, dbName] of databases) {
      const connection = await mongoose.createConnection(mongoUri(), { dbName }).asPromise();
      await connection.dropDatabase();
      await connection.close();
    }
    await rm(outDir, { recursive: true, force: true });
  });

  test('when it has run, then every process of the registry has its entry point (and its workers\' where it has some), beside the files they read', () => {
    const workers = new Set<string>(SUBGRAPHS.filter((subgraph) => subgraph.workers).map((subgraph) => subgraph.name));
    expect(entries).toEqual(
      PROCESSES.flatMap((entry) => [path.join(outDir, entry.name, 'main.js'), ...(workers.has(entry.name) ? [path.join(outDir, entry.name, 'worker.js')] : [])]),
    );
    for (const subgraph of SUBGRAPHS) expect(existsSync(path.join(outDir, subgraph.name, subgraph.sdl))).toBe(true);
    expect(existsSync(path.join(outDir, GATEWAY.name, 'static/swagger-ui-bundle.js'))).toBe(true);
    for (const file of GRAPHIQL_FILES) expect(existsSync(path.join(outDir, GATEWAY.name, 'graphiql', file.name))).toBe(true);
  });

  test('when the built processes run, then the gateway serves register, post, follow and feed across every subgraph', async () => {
    const graphql = graphqlClient(`http://127.0.0.1:${portOf(GATEWAY)}/graphql`);
    const register = async (username: string) => {
      const response = await graphql<{ register: { token: string; user: { id: string } } }>(
        'mutation ($input: RegisterInput!) { register(input: $input) { token user { id } } }',
        { input: { username, password: 'long enough password', name: username, email: `${username}@example.com` } },
      );
      expect(response.errors).toBeUndefined();
      return response.data!.register;
    };
    const alice = await register('built_alice');
    const bob = await register('built_bob');
    expect((await graphql('mutation { createPost(input: { content: "Hello from the build" }) { id } }', {}, { token: bob.token })).errors).toBeUndefined();
    expect((await graphql('mutation ($id: ID!) { follow(userId: $id) { id } }', { id: bob.user.id }, { token: alice.token })).errors).toBeUndefined();

    // The posts process's timeline worker writes the follow's copy a moment later.
    await eventually(async () => {
      const feed = await graphql('{ me { feed { edges { node { content author { username } } } } } }', {}, { token: alice.token });
      expect(feed.data?.me.feed.edges).toEqual([{ node: { content: 'Hello from the build', author: { username: 'built_bob' } } }]);
    });
  });

  test('when /docs is asked for, then the built gateway serves Swagger UI from the assets beside it', async () => {
    const base = `http://127.0.0.1:${portOf(GATEWAY)}/docs`;
    const page = await fetch(base);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui-bundle.js');
    const script = await fetch(`${base}/static/swagger-ui-bundle.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
  });

  test('when a built gateway runs outside production, then it serves GraphiQL from the files beside it; in production, not at all', async () => {
    expect((await fetch(`http://127.0.0.1:${portOf(GATEWAY)}/graphiql`)).status).toBe(404);

    const taken = new Set(Object.values(ports).map(Number));
    const port = await freePort(taken);
    const metricsPort = await freePort(new Set([...taken, port]));
    await start(GATEWAY, { ...env, NODE_ENV: 'development', [GATEWAY.portVariable]: String(port), [GATEWAY.metricsPortVariable]: String(metricsPort) }, 'development gateway');
    const page = await fetch(`http://127.0.0.1:${port}/graphiql`);
    expect(page.status).toBe(200);
    for (const file of GRAPHIQL_FILES) {
      expect(await page.clone().text()).toContain(`graphiql/${file.name}`);
      expect((await fetch(`http://127.0.0.1:${port}/graphiql/${file.name}`)).status).toBe(200);
    }
  });
});
