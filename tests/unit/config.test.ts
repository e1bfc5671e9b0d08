import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { loadGatewayConfig } from '../../gateway/src/config';
import { ConfigError, type Env } from '../../subgraphs/common/src/config';
import { loadAuthConfig } from '../../subgraphs/auth/src/config';
import { loadPostsConfig } from '../../subgraphs/posts/src/config';
import { loadUsersConfig } from '../../subgraphs/users/src/config';
import { ecKeyPair, testKeys } from '../helpers/keys';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
const p384 = ecKeyPair('P-384');
const GARBAGE_KEY = '-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----';

/** The smallest environment each process starts from. */
const GOOD: Record<string, Env> = {
  gateway: { JWT_PUBLIC_KEY: testKeys().publicKey },
  auth: { MONGODB_URI: 'mongodb://127.0.0.1:27017', JWT_PRIVATE_KEY: testKeys().privateKey },
  users: { MONGODB_URI: 'mongodb://127.0.0.1:27017', JWT_PUBLIC_KEY: testKeys().publicKey },
  posts: { MONGODB_URI: 'mongodb://127.0.0.1:27017', JWT_PUBLIC_KEY: testKeys().publicKey },
};
const LOADERS: Record<string, (env: Env) => unknown> = {
  gateway: loadGatewayConfig,
  auth: loadAuthConfig,
  users: loadUsersConfig,
  posts: loadPostsConfig,
};
const PORT_VARIABLE: Record<string, string> = { gateway: 'PORT', auth: 'AUTH_PORT', users: 'USERS_PORT', posts: 'POSTS_PORT' };

/** [process, variable, value, label]: `undefined` removes the variable from the good environment. */
type Case = [string, string, string | undefined, string?];
const BAD_VALUES: Case[] = [
  ...Object.keys(LOADERS).flatMap((service): Case[] => [
    [service, PORT_VARIABLE[service]!, 'abc'],
    [service, PORT_VARIABLE[service]!, '70000'],
    [service, PORT_VARIABLE[service]!, '-1'],
    [service, 'NODE_ENV', 'staging'],
    [service, 'LOG_LEVEL', 'loud'],
  ]),
  ...['auth', 'users', 'posts'].flatMap((service): Case[] => [
    [service, 'MONGODB_URI', undefined],
    [service, 'MONGODB_URI', 'http://x'],
  ]),
  ...['gateway', 'users', 'posts'].flatMap((service): Case[] => [
    [service, 'JWT_PUBLIC_KEY', undefined],
    [service, 'JWT_PUBLIC_KEY', GARBAGE_KEY, 'a garbage PEM'],
    [service, 'JWT_PUBLIC_KEY', rsa.publicKey, 'an RSA public key'],
  ]),
  ['auth', 'JWT_PRIVATE_KEY', undefined],
  ['auth', 'JWT_PRIVATE_KEY', 'garbage'],
  ['auth', 'JWT_PRIVATE_KEY', rsa.privateKey, 'an RSA private key'],
  ['auth', 'JWT_PRIVATE_KEY', p384.privateKey, 'a P-384 private key'],
  ['auth', 'JWT_PUBLIC_KEY', GARBAGE_KEY, 'a garbage PEM'],
  ['auth', 'JWT_PUBLIC_KEY', ecKeyPair().publicKey, 'a public key of another pair'],
  ['auth', 'BCRYPT_ROUNDS', '3'],
  ['auth', 'BCRYPT_ROUNDS', 'ten'],
  ['auth', 'JWT_TTL', '10'],
  ['gateway', 'AUTH_URL', 'ftp://x'],
  ['gateway', 'USERS_URL', 'not a url'],
  ['gateway', 'POSTS_URL', 'ftp://x'],
  ['gateway', 'RATE_LIMIT_ENABLED', 'yes'],
  ['gateway', 'RATE_LIMIT_PER_MINUTE', '0'],
  ['gateway', 'RATE_LIMIT_LOGINS_PER_MINUTE', 'many'],
  ['gateway', 'RATE_LIMIT_REGISTRATIONS_PER_30_MINUTES', '-5'],
  ['gateway', 'CORS_ORIGINS', 'app.example.com', 'an origin without a scheme'],
  ['gateway', 'CORS_ORIGINS', 'https://app.example.com/path', 'a URL with a path'],
  ['users', 'AUTH_URL', 'ftp://x'],
  ['users', 'USERS_DB_NAME', 'has space'],
  ['users', 'MAX_FOLLOWING', '0'],
  ['users', 'MAX_FOLLOWING', '100001'],
  ['users', 'MAX_FOLLOWING', 'lots'],
];

function configError(service: string, variable: string, value: string | undefined): unknown {
  const env: Env = { ...GOOD[service], [variable]: value };
  if (value === undefined) delete env[variable];
  try {
    LOADERS[service]!(env);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('configuration', () => {
  test.each(BAD_VALUES.map(([service, variable, value, label]) => ({ service, variable, value, shown: label ?? JSON.stringify(value) ?? 'nothing' })))(
    'when the $service gets $variable=$shown, then it is a one-line ConfigError naming the variable', ({ service, variable, value }) => {
    const error = configError(service, variable, value);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(variable);
    expect((error as Error).message).not.toContain('\n');
  });

  // ES256 needs P-256: a key on another curve would make every token fail at run time, not at start.
  test.each(['gateway', 'users', 'posts'])('when the %s gets a P-384 JWT_PUBLIC_KEY, then it is a ConfigError', (service) => {
    expect(configError(service, 'JWT_PUBLIC_KEY', p384.publicKey)).toBeInstanceOf(ConfigError);
  });

  test('when the environment holds only what is required, then the documented defaults apply', () => {
    const gateway = loadGatewayConfig(GOOD.gateway!);
    const auth = loadAuthConfig(GOOD.auth!);
    const users = loadUsersConfig(GOOD.users!);
    const posts = loadPostsConfig(GOOD.posts!);
    expect([gateway.port, auth.port, posts.port, users.port]).toEqual([4000, 4001, 4002, 4003]);
    expect([auth.dbName, users.dbName, posts.dbName]).toEqual(['chirp_auth', 'chirp_users', 'chirp_posts']);
    expect(gateway.subgraphs).toEqual({
      auth: 'http://127.0.0.1:4001/graphql',
      posts: 'http://127.0.0.1:4002/graphql',
      users: 'http://127.0.0.1:4003/graphql',
    });
    expect(users.authUrl).toBe('http://127.0.0.1:4001/graphql');
    expect(users.maxFollowing).toBe(7500);
    for (const config of [gateway, auth, users, posts]) expect(config).toMatchObject({ nodeEnv: 'development', logLevel: 'info' });
  });

  test('when the auth subgraph gets no public key, then it derives the one matching its private key', () => {
    const { jwtPublicKey } = loadAuthConfig(GOOD.auth!);
    expect(jwtPublicKey.replace(/\s/g, '')).toBe(testKeys().publicKey.replace(/\s/g, ''));
  });

  test('when values are given, then they are used: ports, database names, keys with literal \\n, the follow cap', () => {
    const env = { ...GOOD.users, USERS_PORT: '0', USERS_DB_NAME: 'other_db', NODE_ENV: 'production', JWT_PUBLIC_KEY: testKeys().publicKey.replace(/\n/g, '\\n'), MAX_FOLLOWING: '100000' };
    expect(loadUsersConfig(env)).toMatchObject({ port: 0, dbName: 'other_db', nodeEnv: 'production', jwtPublicKey: testKeys().publicKey, maxFollowing: 100_000 });
  });
});
