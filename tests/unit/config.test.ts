import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { loadGatewayConfig } from '@chirp/gateway/config';
import { ConfigError, readLogFormat, type Env, type LogFormat, type NodeEnv } from '@chirp/platform';
import { loadAuthConfig } from '@chirp/auth-subgraph/config';
import { loadPostsConfig } from '@chirp/posts-subgraph/config';
import { loadUsersConfig } from '@chirp/users-subgraph/config';
import { ecKeyPair, testKeys, TEST_SERVICE_SECRET } from '@chirp/test-kit';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
const p384 = ecKeyPair('P-384');
const GARBAGE_KEY = '-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----';

/** The smallest environment each process starts from (NODE_ENV unset is production, which wants SERVICE_SECRET). */
const GOOD: Record<string, Env> = {
  gateway: { JWT_PUBLIC_KEY: testKeys().publicKey, SERVICE_SECRET: TEST_SERVICE_SECRET },
  auth: { MONGODB_URI: 'mongodb://127.0.0.1:27017', JWT_PRIVATE_KEY: testKeys().privateKey, SERVICE_SECRET: TEST_SERVICE_SECRET },
  users: { MONGODB_URI: 'mongodb://127.0.0.1:27017', JWT_PUBLIC_KEY: testKeys().publicKey, SERVICE_SECRET: TEST_SERVICE_SECRET },
  posts: { MONGODB_URI: 'mongodb://127.0.0.1:27017', JWT_PUBLIC_KEY: testKeys().publicKey, SERVICE_SECRET: TEST_SERVICE_SECRET },
};
const LOADERS: Record<string, (env: Env) => unknown> = {
  gateway: loadGatewayConfig,
  auth: loadAuthConfig,
  users: loadUsersConfig,
  posts: loadPostsConfig,
};
const PORT_VARIABLE: Record<string, string> = { gateway: 'PORT', auth: 'AUTH_PORT', users: 'USERS_PORT', posts: 'POSTS_PORT' };
const METRICS_PORT_VARIABLE: Record<string, string> = { gateway: 'METRICS_PORT', auth: 'AUTH_METRICS_PORT', users: 'USERS_METRICS_PORT', posts: 'POSTS_METRICS_PORT' };

/** [process, variable, value, label]: `undefined` removes the variable from the good environment. */
type Case = [string, string, string | undefined, string?];
const BAD_VALUES: Case[] = [
  ...Object.keys(LOADERS).flatMap((service): Case[] => [
    [service, PORT_VARIABLE[service]!, 'abc'],
    [service, PORT_VARIABLE[service]!, '70000'],
    [service, PORT_VARIABLE[service]!, '-1'],
    [service, METRICS_PORT_VARIABLE[service]!, '70000'],
    [service, 'SERVICE_SECRET', undefined, 'nothing in production'],
    [service, 'SERVICE_SECRET', 'short', 'a secret of 5 characters'],
    [service, 'NODE_ENV', 'staging'],
    [service, 'LOG_LEVEL', 'loud'],
    [service, 'LOG_FORMAT', 'fancy'],
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
  ['auth', 'RATE_LIMIT_ENABLED', 'no'],
  ['auth', 'AUTH_THROTTLE_WINDOW_SECONDS', '0'],
  ['auth', 'AUTH_THROTTLE_WINDOW_SECONDS', '86401'],
  ['auth', 'AUTH_THROTTLE_FAILURES_PER_ACCOUNT', '0'],
  ['auth', 'AUTH_THROTTLE_LOGINS_PER_ADDRESS', 'lots'],
  ['auth', 'AUTH_THROTTLE_REGISTRATIONS_PER_ADDRESS', '-1'],
  ['gateway', 'AUTH_URL', 'ftp://x'],
  ['gateway', 'USERS_URL', 'not a url'],
  ['gateway', 'POSTS_URL', 'ftp://x'],
  ['gateway', 'RATE_LIMIT_ENABLED', 'yes'],
  ['gateway', 'RATE_LIMIT_PER_MINUTE', '0'],
  ['gateway', 'RATE_LIMIT_LOGINS_PER_MINUTE', 'many'],
  ['gateway', 'RATE_LIMIT_REGISTRATIONS_PER_30_MINUTES', '-5'],
  ['gateway', 'CORS_ORIGINS', 'app.example.com', 'an origin without a scheme'],
  ['gateway', 'CORS_ORIGINS', 'https://app.example.com/path', 'a URL with a path'],
  ['gateway', 'SUBGRAPH_TIMEOUT_MS', '99'],
  ['gateway', 'TRUST_PROXY', 'true', 'true (every hop)'],
  ['gateway', 'TRUST_PROXY', '11'],
  ['gateway', 'TRUST_PROXY', 'proxy.example.com'],
  ['gateway', 'TRUST_PROXY', '10.0.0.0/33'],
  ['auth', 'REQUIRE_SERVICE_CREDENTIAL', 'yes'],
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
    expect(users.subgraphUrls.auth).toBe('http://127.0.0.1:4001/graphql');
    expect(users.maxFollowing).toBe(7500);
    expect([gateway.metricsPort, auth.metricsPort, posts.metricsPort, users.metricsPort]).toEqual([9400, 9401, 9402, 9403]);
    expect(gateway.trustProxy).toBe(false);
    expect(gateway.subgraphTimeoutMs).toBe(4000);
    // Unset NODE_ENV is production, with production's guards on.
    for (const config of [gateway, auth, users, posts]) expect(config).toMatchObject({ nodeEnv: 'production', logLevel: 'info', logFormat: 'json' });
    for (const config of [auth, users, posts]) expect(config.requireServiceCredential).toBe(true);
  });

  test.each<[string | undefined, NodeEnv, boolean, LogFormat]>([
    [undefined, 'development', true, 'pretty'],
    [undefined, 'development', false, 'json'],
    [undefined, 'production', true, 'json'],
    [undefined, 'test', true, 'json'],
    ['json', 'development', true, 'json'],
    ['pretty', 'production', false, 'pretty'],
  ])('when LOG_FORMAT is %s under NODE_ENV=%s and stdout is a TTY: %s, then logs are %s', (logFormat, nodeEnv, stdoutIsTTY, expected) => {
    expect(readLogFormat({ LOG_FORMAT: logFormat }, nodeEnv, stdoutIsTTY)).toBe(expected);
  });

  test('when NODE_ENV is development, then SERVICE_SECRET is optional and subgraphs take unsigned calls', () => {
    const { SERVICE_SECRET: _secret, ...withoutSecret } = GOOD.posts!;
    expect(loadPostsConfig({ ...withoutSecret, NODE_ENV: 'development' })).toMatchObject({ serviceSecret: null, requireServiceCredential: false });
    expect(loadGatewayConfig({ JWT_PUBLIC_KEY: testKeys().publicKey, NODE_ENV: 'development' }).serviceSecret).toBeNull();
  });

  test('when TRUST_PROXY names hops or proxies, then exactly those are trusted', () => {
    const trustProxy = (value: string) => loadGatewayConfig({ ...GOOD.gateway, TRUST_PROXY: value }).trustProxy;
    expect(trustProxy('false')).toBe(false);
    expect(trustProxy('0')).toBe(false);
    expect(trustProxy('2')).toBe(2);
    expect(trustProxy('10.0.0.0/8, 192.168.1.5,::1')).toEqual(['10.0.0.0/8', '192.168.1.5', '::1']);
  });

  test('when NODE_ENV is production, then the auth throttles lock an account after 5 failures and allow 20 logins and 5 registrations per address, per 15 minutes', () => {
    expect(loadAuthConfig({ ...GOOD.auth, NODE_ENV: 'production' }).throttles).toEqual({
      enabled: true,
      windowSeconds: 900,
      failuresPerAccount: 5,
      loginsPerAddress: 20,
      registrationsPerAddress: 5,
    });
  });

  test.each(['development', 'test'])('when NODE_ENV is %s, then the auth throttles are on but loose enough for seeding and demos', (nodeEnv) => {
    expect(loadAuthConfig({ ...GOOD.auth, NODE_ENV: nodeEnv }).throttles).toEqual({
      enabled: true,
      windowSeconds: 900,
      failuresPerAccount: 100,
      loginsPerAddress: 10_000,
      registrationsPerAddress: 10_000,
    });
  });

  test('when the auth throttle settings are given, then they are used, and RATE_LIMIT_ENABLED=false turns them off', () => {
    const env = {
      ...GOOD.auth,
      NODE_ENV: 'production',
      RATE_LIMIT_ENABLED: 'false',
      AUTH_THROTTLE_WINDOW_SECONDS: '60',
      AUTH_THROTTLE_FAILURES_PER_ACCOUNT: '3',
      AUTH_THROTTLE_LOGINS_PER_ADDRESS: '7',
      AUTH_THROTTLE_REGISTRATIONS_PER_ADDRESS: '2',
    };
    expect(loadAuthConfig(env).throttles).toEqual({ enabled: false, windowSeconds: 60, failuresPerAccount: 3, loginsPerAddress: 7, registrationsPerAddress: 2 });
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
