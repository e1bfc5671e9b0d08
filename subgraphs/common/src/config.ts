import { createPublicKey, type KeyObject } from 'node:crypto';

/**
 * Configuration comes from the environment only, and is read and checked once
 * at start. A bad value stops the process with one line naming the variable.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type Env = Record<string, string | undefined>;
export type NodeEnv = 'development' | 'test' | 'production';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const NODE_ENVS: readonly NodeEnv[] = ['development', 'test', 'production'];

function fail(name: string, expected: string, got?: string): never {
  throw new ConfigError(`${name} must be ${expected}${got === undefined ? '' : ` (got ${JSON.stringify(got)})`}`);
}

export function readInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) fail(name, `an integer from ${min} to ${max}`, raw);
  const value = Number(raw);
  if (value < min || value > max) fail(name, `an integer from ${min} to ${max}`, raw);
  return value;
}

export function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw !== 'true' && raw !== 'false') fail(name, 'true or false', raw);
  return raw === 'true';
}

export function readPort(env: Env, name: string, fallback: number): number {
  return readInt(env, name, fallback, 0, 65535);
}

export function readOneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) fail(name, `one of ${allowed.join(', ')}`, raw);
  return raw as T;
}

export function readUrl(env: Env, name: string, fallback: string): string {
  const raw = env[name] || fallback;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
  } catch {
    fail(name, 'an http(s) URL', raw);
  }
  return raw;
}

export function readMongoUri(env: Env): string {
  const raw = env.MONGODB_URI;
  if (!raw) fail('MONGODB_URI', 'a mongodb:// or mongodb+srv:// connection string (npm start provides one when unset)');
  if (!/^mongodb(\+srv)?:\/\/.+/.test(raw)) fail('MONGODB_URI', 'a mongodb:// or mongodb+srv:// connection string', raw);
  return raw;
}

export function readDbName(env: Env, name: string, fallback: string): string {
  const raw = env[name] || fallback;
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(raw)) fail(name, 'a database name of 1-63 letters, digits, _ or -', raw);
  return raw;
}

/** PEM keys often travel through env files with literal "\n" sequences; accept both forms. */
function readPem(env: Env, name: string): string {
  const raw = env[name];
  if (!raw) fail(name, 'a PEM key (npm start generates a key pair when none is given outside production)');
  return raw.replace(/\\n/g, '\n');
}

/** ES256 signs with EC P-256 only; a key on another curve would fail at the first token, not at start. */
export function isP256(key: KeyObject): boolean {
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
}

export function readPublicKey(env: Env): string {
  const pem = readPem(env, 'JWT_PUBLIC_KEY');
  try {
    const key = createPublicKey(pem);
    if (!isP256(key)) throw new Error('not P-256');
  } catch {
    fail('JWT_PUBLIC_KEY', 'a PEM-encoded EC P-256 public key (ES256)');
  }
  return pem;
}

export function readPrivateKey(env: Env): string {
  return readPem(env, 'JWT_PRIVATE_KEY');
}

function readHost(env: Env): string {
  const raw = env.HOST || '127.0.0.1';
  if (!/^[A-Za-z0-9.:-]+$/.test(raw)) fail('HOST', 'a host name or IP address to listen on', raw);
  return raw;
}

export interface BaseConfig {
  nodeEnv: NodeEnv;
  logLevel: LogLevel;
  port: number;
  /** The interface to listen on: loopback by default, 0.0.0.0 in containers. */
  host: string;
}

export function readBaseConfig(env: Env, portVariable: string, defaultPort: number): BaseConfig {
  const nodeEnv = readOneOf(env, 'NODE_ENV', NODE_ENVS, 'development');
  return {
    nodeEnv,
    logLevel: readOneOf(env, 'LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
    port: readPort(env, portVariable, defaultPort),
    host: readHost(env),
  };
}

/** What every subgraph needs: where its database is, and the key to verify tokens with. */
export interface SubgraphConfig extends BaseConfig {
  mongodbUri: string;
  dbName: string;
  jwtPublicKey: string;
}

export function readSubgraphConfig(
  env: Env,
  service: { portVariable: string; defaultPort: number; dbVariable: string; defaultDb: string },
): SubgraphConfig {
  return {
    ...readBaseConfig(env, service.portVariable, service.defaultPort),
    mongodbUri: readMongoUri(env),
    dbName: readDbName(env, service.dbVariable, service.defaultDb),
    jwtPublicKey: readPublicKey(env),
  };
}
