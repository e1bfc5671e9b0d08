import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, test } from '@jest/globals';
import { parse } from 'yaml';
import { loadGatewayConfig } from '@chirp/gateway/config';
import { GATEWAY, PROCESSES, sourceEntry, SUBGRAPHS, type Env, type SubgraphName, REPOSITORY_ROOT } from '@chirp/platform';
import { loadAuthConfig } from '@chirp/auth-subgraph/config';
import { loadPostsConfig } from '@chirp/posts-subgraph/config';
import { loadUsersConfig } from '@chirp/users-subgraph/config';
import { testKeys } from '@chirp/test-kit';
import { builtEntry } from '../../tools/build';

/**
 * No Docker engine runs here, so the compose file is checked against the
 * code: each service starts the right entry point, with an environment its
 * configuration accepts, listening where its healthcheck and peers look.
 */

interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  networks?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync(path.join(REPOSITORY_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
  networks: Record<string, { internal?: boolean }>;
};
const { privateKey, publicKey } = testKeys();

/** What `npm run -s keys > .env` writes, by name: compose reads it from .env. */
const DOT_ENV: Record<string, string> = Object.fromEntries(
  execFileSync(process.execPath, ['--import', 'tsx', 'tools/generate-keys.ts'], { cwd: REPOSITORY_ROOT, encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => {
      const [name, ...value] = line.split('=');
      return [name!, value.join('=').replace(/^"|"$/g, '')];
    }),
);

/** Compose's `${VAR}` and `${VAR:?message}` interpolation, from .env (with this run's test keys). */
function interpolate(environment: Record<string, string>): Env {
  const given: Record<string, string> = { ...DOT_ENV, JWT_PRIVATE_KEY: privateKey, JWT_PUBLIC_KEY: publicKey };
  return Object.fromEntries(
    Object.entries(environment).map(([name, value]) => [
      name,
      value.replace(/\$\{(\w+)(:\?[^}]*)?\}/g, (_match, variable: string) => {
        if (!(variable in given)) throw new Error(`docker-compose.yml uses ${variable}, which npm run keys does not write`);
        return given[variable]!;
      }),
    ]),
  );
}

/** How each process reads its configuration; which processes there are is the registry's to say. */
const CONFIG_LOADERS = { auth: loadAuthConfig, posts: loadPostsConfig, users: loadUsersConfig, gateway: loadGatewayConfig } satisfies Record<
  SubgraphName | typeof GATEWAY.name,
  unknown
>;
const services = PROCESSES.map((entry) => ({ ...entry, load: CONFIG_LOADERS[entry.name as keyof typeof CONFIG_LOADERS] }));
const subgraphNames = SUBGRAPHS.map((subgraph) => subgraph.name);

const portOf = (name: string) => services.find((service) => service.name === name)!.load(interpolate(compose.services[name]!.environment!)).port;

describe('docker-compose.yml', () => {
  test('when the services are listed, then they are the processes of the service registry, and MongoDB', () => {
    expect(Object.keys(compose.services).sort()).toEqual([...PROCESSES.map((entry) => entry.name), 'mongo', 'mongo-keyfile'].sort());
  });

  test('when mongo is defined, then it is a mongo:7 replica set with authentication, on named volumes, healthy once primary', () => {
    const mongo = compose.services.mongo!;
    expect(mongo.image).toBe('mongo:7');
    for (const mount of mongo.volumes!.filter((volume) => !volume.startsWith('./'))) {
      expect(Object.keys(compose.volumes)).toContain(mount.split(':')[0]);
    }
    expect(mongo.command).toEqual(expect.arrayContaining(['--replSet', 'rs0', '--keyFile']));
    expect(mongo.environment).toMatchObject({ MONGO_INITDB_ROOT_USERNAME: 'root' });
    expect(mongo.healthcheck?.test.join(' ')).toMatch(/rs\.initiate\(.*isWritablePrimary/);
  });

  /** Runs docker/mongo-init.js as mongosh would, against a stand-in `db` that records the users and roles it makes. */
  function runMongoInit(env: Record<string, string>) {
    const users: { db: string; user: string; pwd: string; roles: { role: string; db: string }[] }[] = [];
    const roles: { db: string; role: string; privileges: { resource: { db: string; collection: string }; actions: string[] }[] }[] = [];
    const database = (name: string) => ({
      getSiblingDB: database,
      createUser: (spec: Omit<(typeof users)[number], 'db'>) => users.push({ db: name, ...spec }),
      createRole: (spec: Omit<(typeof roles)[number], 'db'>) => roles.push({ db: name, ...spec }),
    });
    runInNewContext(readFileSync(path.join(REPOSITORY_ROOT, 'docker/mongo-init.js'), 'utf8'), { db: database('test'), process: { env } });
    return { users, roles };
  }

  test('when the database users are made, then each service writes its own database only, and reads of another only the stream it consumes', () => {
    expect(compose.services.mongo!.volumes).toContain('./docker/mongo-init.js:/docker-entrypoint-initdb.d/mongo-init.js:ro');
    const { users, roles } = runMongoInit(DOT_ENV);
    const privilegesOf = (name: string) =>
      users
        .find((user) => user.user === name)!
        .roles.filter((grant) => grant.role !== 'readWrite')
        .flatMap((grant) => roles.find((role) => role.role === grant.role && role.db === grant.db)!.privileges);
    for (const { name, load } of services.filter((service) => service.name !== GATEWAY.name)) {
      const config = load(interpolate(compose.services[name]!.environment!)) as { mongodbUri: string; dbName: string };
      const uri = new URL(config.mongodbUri);
      expect([uri.username, uri.password]).toEqual([name, DOT_ENV[`${name.toUpperCase()}_DB_PASSWORD`]]);
      expect(uri.searchParams.get('authSource')).toBe(config.dbName);
      expect(uri.searchParams.get('replicaSet')).toBe('rs0');
      const user = users.find((candidate) => candidate.user === name);
      expect(user).toMatchObject({ db: config.dbName, pwd: DOT_ENV[`${name.toUpperCase()}_DB_PASSWORD`] });
      expect(user!.roles.filter((grant) => grant.role === 'readWrite')).toEqual([{ role: 'readWrite', db: config.dbName }]);
      expect(compose.services.mongo!.environment![`${name.toUpperCase()}_DB_PASSWORD`]).toBeDefined();
    }
    const follows = { db: 'chirp_users', collection: 'follows' };
    const accounts = { db: 'chirp_auth', collection: 'users' };
    const posts = { db: 'chirp_posts', collection: 'posts' };
    expect(privilegesOf('auth')).toEqual([]);
    expect(privilegesOf('posts')).toEqual([
      { resource: follows, actions: ['find', 'changeStream'] },
      { resource: accounts, actions: ['find', 'changeStream'] },
    ]);
    // The timeline worker reads its streams from the databases those privileges name.
    const postsConfig = loadPostsConfig(interpolate(compose.services.posts!.environment!));
    expect([postsConfig.usersDbName, postsConfig.authDbName]).toEqual(['chirp_users', 'chirp_auth']);
    expect(privilegesOf('users')).toEqual([
      { resource: follows, actions: ['collMod'] },
      { resource: accounts, actions: ['find', 'changeStream'] },
      { resource: posts, actions: ['find', 'changeStream'] },
    ]);
  });

  test('when the networks are laid out, then only the gateway faces the edge and only the subgraphs reach the database', () => {
    const networksOf = (name: string) => [...(compose.services[name]!.networks ?? [])].sort();
    expect(networksOf('gateway')).toEqual(['edge', 'internal']);
    for (const name of subgraphNames) expect(networksOf(name)).toEqual(['data', 'internal']);
    expect(networksOf('mongo')).toEqual(['data']);
    expect(compose.networks.internal?.internal).toBe(true);
    expect(compose.networks.data?.internal).toBe(true);
    expect(compose.services.gateway!.environment!.MONGODB_URI).toBeUndefined();
    const published = Object.entries(compose.services).filter(([, service]) => service.ports?.length).map(([name]) => name);
    expect(published).toEqual(['gateway']);
  });

  test.each(services)('when $name starts, then it runs its built entry point with a valid configuration on the port its healthcheck probes', (entry) => {
    const { name, load } = entry;
    const service = compose.services[name]!;
    expect(service.build).toBe('.');
    // What `npm run build` writes for this process (tests/e2e/build.test.ts runs it), from its source entry point.
    expect(service.command).toEqual(['node', builtEntry(entry)]);
    expect(builtEntry(entry)).toBe(`dist/${name}/main.js`);
    expect(existsSync(path.join(REPOSITORY_ROOT, sourceEntry(entry)))).toBe(true);

    const config = load(interpolate(service.environment!));
    expect(config.host).toBe('0.0.0.0');
    expect(config.nodeEnv).toBe('production');
    expect(service.healthcheck!.test.join(' ')).toContain(`http://127.0.0.1:${config.port}/ready`);
    if ('mongodbUri' in config) expect(new URL(config.mongodbUri).host).toBe('mongo:27017');
  });

  test('when the gateway and the subgraphs call their peers, then the URLs name those services on their ports', () => {
    const gateway = loadGatewayConfig(interpolate(compose.services.gateway!.environment!));
    for (const name of subgraphNames) {
      expect(gateway.subgraphs[name]).toBe(`http://${name}:${portOf(name)}/graphql`);
    }
    for (const subgraph of SUBGRAPHS) {
      const environment = interpolate(compose.services[subgraph.name]!.environment!);
      for (const called of SUBGRAPHS.filter((candidate) => subgraph.calls.includes(candidate.name))) {
        expect(environment[called.urlVariable]).toBe(`http://${called.name}:${portOf(called.name)}/graphql`);
      }
    }
    const users = loadUsersConfig(interpolate(compose.services.users!.environment!));
    expect(users.subgraphUrls.auth).toBe(`http://auth:${portOf('auth')}/graphql`);
    expect(users.subgraphUrls.posts).toBe(`http://posts:${portOf('posts')}/graphql`);
    // The deletions worker reads the streams of the databases mongo-init.js lets it read.
    expect([users.authDbName, users.postsDbName]).toEqual(['chirp_auth', 'chirp_posts']);
    expect(compose.services.gateway!.ports).toEqual([`${gateway.port}:${gateway.port}`]);
  });

  test('when a service depends on another, then it waits for it to be healthy', () => {
    // A subgraph needs its database and the subgraphs it calls; the gateway, every subgraph.
    const expected: Record<string, string[]> = {
      ...Object.fromEntries(SUBGRAPHS.map((subgraph) => [subgraph.name, ['mongo', ...subgraph.calls].sort()])),
      [GATEWAY.name]: [...subgraphNames].sort(),
    };
    for (const [name, dependencies] of Object.entries(expected)) {
      const dependsOn = compose.services[name]!.depends_on!;
      expect(Object.keys(dependsOn).sort()).toEqual(dependencies);
      for (const dependency of dependencies) expect(dependsOn[dependency]!.condition).toBe('service_healthy');
    }
  });

  test('when npm run keys writes .env, then neither git nor the image build can pick it up', () => {
    expect(() => execFileSync('git', ['check-ignore', '-q', '.env'], { cwd: REPOSITORY_ROOT })).not.toThrow();
    expect(readFileSync(path.join(REPOSITORY_ROOT, '.dockerignore'), 'utf8').split('\n')).toContain('.env');
  });

  test('when the image is built, then it builds in one stage and runs the bundles alone on Node.js 24 as non-root', () => {
    const dockerfile = readFileSync(path.join(REPOSITORY_ROOT, 'Dockerfile'), 'utf8');
    const stages = dockerfile.split(/^(?=FROM )/m).slice(1);
    expect(stages.map((stage) => stage.split('\n')[0])).toEqual(['FROM node:24-bookworm-slim AS build', 'FROM node:24-bookworm-slim AS runtime']);
    const [build, runtime] = stages as [string, string];
    expect(build).toMatch(/^RUN .*npm ci .*&& npm run build$/m);
    // The bundles need no node_modules: the runtime stage copies dist/ and nothing else.
    expect(runtime.match(/^COPY .*/gm)).toEqual(['COPY --from=build /app/dist ./dist']);
    expect(runtime).not.toMatch(/npm (ci|install)/);
    expect(runtime).toMatch(/^USER node$/m);
    expect(JSON.parse(/^CMD (.*)$/m.exec(runtime)![1]!)).toEqual(['node', builtEntry(GATEWAY)]);
  });
});
