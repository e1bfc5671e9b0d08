import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { parse } from 'yaml';
import { loadGatewayConfig } from '../../gateway/src/config';
import type { Env } from '../../subgraphs/common/src/config';
import { loadAuthConfig } from '../../subgraphs/auth/src/config';
import { loadPostsConfig } from '../../subgraphs/posts/src/config';
import { loadUsersConfig } from '../../subgraphs/users/src/config';
import { testKeys } from '../helpers/keys';

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
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};
const { privateKey, publicKey } = testKeys();

/** Compose's `${VAR:?message}` interpolation, with the keys `npm run keys` would write to .env. */
function interpolate(environment: Record<string, string>): Env {
  const given: Record<string, string> = { JWT_PRIVATE_KEY: privateKey, JWT_PUBLIC_KEY: publicKey };
  return Object.fromEntries(
    Object.entries(environment).map(([name, value]) => [name, value.replace(/\$\{(\w+):\?[^}]*\}/g, (_match, variable: string) => given[variable] ?? '')]),
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
  test('when mongo is defined, then it is mongo:7 on a named volume with a healthcheck', () => {
    const mongo = compose.services.mongo!;
    expect(mongo.image).toBe('mongo:7');
    const [volume] = mongo.volumes![0]!.split(':');
    expect(Object.keys(compose.volumes)).toContain(volume);
    expect(mongo.healthcheck?.test.join(' ')).toContain('ping');
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
    if ('mongodbUri' in config) expect(config.mongodbUri).toBe('mongodb://mongo:27017');
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

  test('when the image is built, then it is multi-stage, installs production dependencies only and runs as non-root', () => {
    const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
  });
});
