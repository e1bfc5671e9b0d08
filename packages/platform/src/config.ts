import { createPublicKey, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { localSubgraphUrl, SUBGRAPHS, type SubgraphName } from './services';

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
export type LogFormat = 'pretty' | 'json';

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const NODE_ENVS: readonly NodeEnv[] = ['development', 'test', 'production'];
const LOG_FORMATS: readonly LogFormat[] = ['pretty', 'json'];

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

/**
 * Readable lines only for a person at a terminal in development; JSON wherever
 * a program may read the lines (a pipe, a file, a log collector, production).
 */
export function readLogFormat(env: Env, nodeEnv: NodeEnv, stdoutIsTTY: boolean): LogFormat {
  return readOneOf(env, 'LOG_FORMAT', LOG_FORMATS, nodeEnv === 'development' && stdoutIsTTY ? 'pretty' : 'json');
}

function readHost(env: Env): string {
  const raw = env.HOST || '127.0.0.1';
  if (!/^[A-Za-z0-9.:-]+$/.test(raw)) fail('HOST', 'a host name or IP address to listen on', raw);
  return raw;
}

export interface BaseConfig {
  nodeEnv: NodeEnv;
  logLevel: LogLevel;
  logFormat: LogFormat;
  port: number;
  /** The interface to listen on: loopback by default, 0.0.0.0 in containers. */
  host: string;
  /** /metrics is served on this port only, apart from the public one, for the scraper on the internal network. */
  metricsPort: number;
  /**
   * Shared by the gateway and the subgraphs: signs the credential every
   * internal call carries (service-credential.ts). Null where none is set.
   */
  serviceSecret: string | null;
}

/** The variables that name one process's ports, and their defaults. */
export interface ProcessPorts {
  portVariable: string;
  defaultPort: number;
  metricsPortVariable: string;
  defaultMetricsPort: number;
}

const MIN_SECRET_LENGTH = 32;

function readServiceSecret(env: Env): string | null {
  const raw = env.SERVICE_SECRET;
  if (raw === undefined || raw === '') return null;
  if (raw.length < MIN_SECRET_LENGTH) fail('SERVICE_SECRET', `at least ${MIN_SECRET_LENGTH} characters (npm run -s keys makes one)`);
  return raw;
}

/**
 * NODE_ENV unset means production: a process started by hand, by a container
 * or by Lambda gets production's strictness unless told otherwise; `npm start`
 * and `npm run dev` say development explicitly.
 */
export function readBaseConfig(env: Env, ports: ProcessPorts): BaseConfig {
  const nodeEnv = readOneOf(env, 'NODE_ENV', NODE_ENVS, 'production');
  return {
    nodeEnv,
    logLevel: readOneOf(env, 'LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
    logFormat: readLogFormat(env, nodeEnv, process.stdout.isTTY === true),
    port: readPort(env, ports.portVariable, ports.defaultPort),
    host: readHost(env),
    metricsPort: readPort(env, ports.metricsPortVariable, ports.defaultMetricsPort),
    serviceSecret: readServiceSecret(env),
  };
}

/**
 * Which proxies in front of the gateway may say who the client is
 * (X-Forwarded-For): none by default, else a number of hops or a list of
 * proxy addresses and CIDR ranges. `true` (every hop) is refused: it lets any
 * client name its own address, and so escape every per-address limit.
 */
export function readTrustProxy(env: Env): false | number | string[] {
  const raw = env.TRUST_PROXY?.trim();
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (/^\d+$/.test(raw)) return readInt(env, 'TRUST_PROXY', 0, 0, 10) || false;
  const entries = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) {
    const [address, bits, ...rest] = entry.split('/');
    const family = isIP(address ?? '');
    const maxBits = family === 6 ? 128 : 32;
    const validBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= maxBits);
    if (family === 0 || !validBits || rest.length > 0) {
      fail('TRUST_PROXY', 'false, a number of proxy hops (0-10), or a comma-separated list of proxy addresses or CIDR ranges', raw);
    }
  }
  return entries;
}

/** What every subgraph needs: where its database is, the key to verify tokens with, and whom to answer. */
export interface SubgraphConfig extends BaseConfig {
  mongodbUri: string;
  dbName: string;
  jwtPublicKey: string;
  /** Refuse calls that carry no service credential: a subgraph reached directly must not skip the gateway. */
  requireServiceCredential: boolean;
  /** Whether this process also runs the subgraph's stream workers (off for a process that should only serve). */
  runWorkers: boolean;
  /** A stream worker's lease: another instance takes over this long after the holder stops renewing. */
  workerLeaseMs: number;
  /** Each subgraph's /graphql, by name: those in the registry's `calls` of this one are asked while serving. */
  subgraphUrls: Record<SubgraphName, string>;
  /** How long an answer that a token's session is open may be reused (SESSION_CHECK_SECONDS). */
  sessionCheckMs: number;
}

/** Where each subgraph's /graphql is (`<NAME>_URL`), for the gateway and for subgraphs that call another. */
export function readSubgraphUrls(env: Env): Record<SubgraphName, string> {
  return Object.fromEntries(
    SUBGRAPHS.map((subgraph) => [subgraph.name, readUrl(env, subgraph.urlVariable, localSubgraphUrl(subgraph))]),
  ) as Record<SubgraphName, string>;
}

/**
 * A token of an ended session is refused everywhere within this bound: every process that verifies
 * tokens asks auth again once its answer is this old. 0 asks on every request.
 */
export const readSessionCheckMs = (env: Env): number => readInt(env, 'SESSION_CHECK_SECONDS', 30, 0, 30) * 1000;

export function readSubgraphConfig(env: Env, service: ProcessPorts & { dbVariable: string; defaultDb: string }): SubgraphConfig {
  const base = readBaseConfig(env, service);
  const config = {
    ...base,
    mongodbUri: readMongoUri(env),
    dbName: readDbName(env, service.dbVariable, service.defaultDb),
    jwtPublicKey: readPublicKey(env),
    requireServiceCredential: readBoolean(env, 'REQUIRE_SERVICE_CREDENTIAL', base.nodeEnv === 'production'),
    runWorkers: readBoolean(env, 'RUN_WORKERS', true),
    workerLeaseMs: readInt(env, 'WORKER_LEASE_MS', 10_000, 500, 600_000),
    subgraphUrls: readSubgraphUrls(env),
    sessionCheckMs: readSessionCheckMs(env),
  };
  if (config.requireServiceCredential && !config.serviceSecret) {
    fail('SERVICE_SECRET', 'set when subgraphs require the service credential (REQUIRE_SERVICE_CREDENTIAL, on by default in production)');
  }
  return config;
}
