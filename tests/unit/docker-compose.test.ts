import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { parse } from 'yaml';
import { loadGatewayConfig } from '@chirp/gateway/config';
import type { Env } from '@chirp/platform';
import { loadAuthConfig } from '@chirp/auth-subgraph/config';
import { loadPostsConfig } from '@chirp/posts-subgraph/config';
import { loadUsersConfig } from '@chirp/users-subgraph/config';
import { testKeys } from '@chirp/test-kit';

/**
 * No Docker engine runs here, so the compose file is checked against the
 * code: each service starts the right entry point, with an environment its
 * configuration accepts, listening where its healthcheck and peers look.
 */
const ROOT = path.resolve(__dirname, '../..');

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

const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
  networks: Record<string, { internal?: boolean }>;
};
const { privateKey, publicKey } = testKeys();

/** What `npm run -s keys > .env` writes, by name: compose reads it from .env. */
const DOT_ENV: Record<string, string> = Object.fromEntries(
  execFileSync(process.execPath, ['--import', 'tsx', 'tools/generate-keys.ts'], { cwd: ROOT, encoding: 'utf8' })
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

const services = [
  { name: 'auth', entry: 'subgraphs/auth/src/main.ts', load: loadAuthConfig },
  { name: 'posts', entry: 'subgraphs/posts/src/main.ts', load: loadPostsConfig },
  { name: 'users', entry: 'subgraphs/users/src/main.ts', load: loadUsersConfig },
  { name: 'gateway', entry: 'gateway/src/main.ts', load: loadGatewayConfig },
] as const;

const portOf = (name: string) => services.find((service) => service.name === name)!.load(interpolate(compose.services[name]!.environment!)).port;

describe('docker-compose.yml', () => {
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

  test('when the database users are made, then each service has its own, able to write its own database only', () => {
    const init = readFileSync(path.join(ROOT, 'docker/mongo-init.js'), 'utf8');
    expect(compose.services.mongo!.volumes).toContain('./docker/mongo-init.js:/docker-entrypoint-initdb.d/mongo-init.js:ro');
    expect(init).toContain("roles: [{ role: 'readWrite', db: `chirp_${service}` }]");
    for (const { name, load } of services.filter((service) => service.name !== 'gateway')) {
      const config = load(interpolate(compose.services[name]!.environment!)) as { mongodbUri: string; dbName: string };
      const uri = new URL(config.mongodbUri);
      expect([uri.username, uri.password]).toEqual([name, DOT_ENV[`${name.toUpperCase()}_DB_PASSWORD`]]);
      expect(uri.searchParams.get('authSource')).toBe(config.dbName);
      expect(uri.searchParams.get('replicaSet')).toBe('rs0');
      expect(init).toContain(`['${name}', process.env.${name.toUpperCase()}_DB_PASSWORD]`);
      expect(compose.services.mongo!.environment![`${name.toUpperCase()}_DB_PASSWORD`]).toBeDefined();
    }
  });

  test('when the networks are laid out, then only the gateway faces the edge and only the subgraphs reach the database', () => {
    const networksOf = (name: string) => [...(compose.services[name]!.networks ?? [])].sort();
    expect(networksOf('gateway')).toEqual(['edge', 'internal']);
    for (const name of ['auth', 'posts', 'users']) expect(networksOf(name)).toEqual(['data', 'internal']);
    expect(networksOf('mongo')).toEqual(['data']);
    expect(compose.networks.internal?.internal).toBe(true);
    expect(compose.networks.data?.internal).toBe(true);
    expect(compose.services.gateway!.environment!.MONGODB_URI).toBeUndefined();
    const published = Object.entries(compose.services).filter(([, service]) => service.ports?.length).map(([name]) => name);
    expect(published).toEqual(['gateway']);
  });

  test.each(services)('when $name starts, then it runs $entry with a valid configuration on the port its healthcheck probes', ({ name, entry, load }) => {
    const service = compose.services[name]!;
    expect(service.build).toBe('.');
    expect(service.command).toEqual(['node', '--import', 'tsx', entry]);
    expect(existsSync(path.join(ROOT, entry))).toBe(true);

    const config = load(interpolate(service.environment!));
    expect(config.host).toBe('0.0.0.0');
    expect(config.nodeEnv).toBe('production');
    expect(service.healthcheck!.test.join(' ')).toContain(`http://127.0.0.1:${config.port}/ready`);
    if ('mongodbUri' in config) expect(new URL(config.mongodbUri).host).toBe('mongo:27017');
  });

  test('when the gateway and users subgraph call their peers, then the URLs name those services on their ports', () => {
    const gateway = loadGatewayConfig(interpolate(compose.services.gateway!.environment!));
    for (const name of ['auth', 'posts', 'users'] as const) {
      expect(gateway.subgraphs[name]).toBe(`http://${name}:${portOf(name)}/graphql`);
    }
    expect(loadUsersConfig(interpolate(compose.services.users!.environment!)).authUrl).toBe(`http://auth:${portOf('auth')}/graphql`);
    expect(compose.services.gateway!.ports).toEqual([`${gateway.port}:${gateway.port}`]);
  });

  test('when a service depends on another, then it waits for it to be healthy', () => {
    const expected: Record<string, string[]> = {
      auth: ['mongo'],
      posts: ['mongo'],
      users: ['auth', 'mongo'],
      gateway: ['auth', 'posts', 'users'],
    };
    for (const [name, dependencies] of Object.entries(expected)) {
      const dependsOn = compose.services[name]!.depends_on!;
      expect(Object.keys(dependsOn).sort()).toEqual(dependencies);
      for (const dependency of dependencies) expect(dependsOn[dependency]!.condition).toBe('service_healthy');
    }
  });

  test('when npm run keys writes .env, then neither git nor the image build can pick it up', () => {
    expect(() => execFileSync('git', ['check-ignore', '-q', '.env'], { cwd: ROOT })).not.toThrow();
    expect(readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n')).toContain('.env');
  });

  test('when the image is built, then it is multi-stage, installs production dependencies only and runs as non-root', () => {
    const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
  });
});
