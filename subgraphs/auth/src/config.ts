import { createPrivateKey, createPublicKey } from 'node:crypto';
import {
  ConfigError,
  isP256,
  readBoolean,
  readInt,
  readPrivateKey,
  readSubgraphConfig,
  subgraphEntry,
  type Env,
  type SubgraphConfig,
} from '@chirp/platform';
import type { ThrottleLimits } from './services/auth-throttles';

export interface AuthConfig extends SubgraphConfig {
  jwtPrivateKey: string;
  /** Token lifetime in seconds. */
  jwtTtlSeconds: number;
  bcryptRounds: number;
  throttles: ThrottleLimits & { enabled: boolean };
}

/**
 * Production defaults follow common practice for sign-in (a lock-out after 5
 * failures in 15 minutes); outside production they are loose enough for
 * `npm run seed`, demos and tests that sign many accounts in from one address.
 */
const THROTTLE_DEFAULTS = {
  production: { failuresPerAccount: 5, loginsPerAddress: 20, registrationsPerAddress: 5 },
  other: { failuresPerAccount: 100, loginsPerAddress: 10_000, registrationsPerAddress: 10_000 },
};

const spki = (pem: string) => createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('base64');

/** The auth subgraph signs tokens, so it needs the private key; the public key is derived from it when not given. */
export function loadAuthConfig(env: Env): AuthConfig {
  const jwtPrivateKey = readPrivateKey(env);
  let derivedPublicKey: string;
  try {
    const key = createPrivateKey(jwtPrivateKey);
    if (!isP256(key)) throw new Error('not P-256');
    derivedPublicKey = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  } catch {
    throw new ConfigError('JWT_PRIVATE_KEY must be a PEM-encoded EC P-256 private key (ES256)');
  }
  const base = readSubgraphConfig(
    { ...env, JWT_PUBLIC_KEY: env.JWT_PUBLIC_KEY || derivedPublicKey },
    subgraphEntry('auth'),
  );
  // A public key of another pair would make this subgraph refuse the very tokens it issues.
  if (spki(base.jwtPublicKey) !== spki(derivedPublicKey)) {
    throw new ConfigError('JWT_PUBLIC_KEY must be the public half of JWT_PRIVATE_KEY (or be left unset)');
  }
  return {
    ...base,
    jwtPrivateKey,
    jwtTtlSeconds: readInt(env, 'JWT_TTL', 86400, 60, 30 * 86400),
    bcryptRounds: readInt(env, 'BCRYPT_ROUNDS', 10, 4, 15),
    throttles: readThrottles(env, base.nodeEnv === 'production'),
  };
}

function readThrottles(env: Env, production: boolean): AuthConfig['throttles'] {
  const defaults = production ? THROTTLE_DEFAULTS.production : THROTTLE_DEFAULTS.other;
  return {
    // The switch every process reads: off, no limit of any kind applies.
    enabled: readBoolean(env, 'RATE_LIMIT_ENABLED', true),
    windowSeconds: readInt(env, 'AUTH_THROTTLE_WINDOW_SECONDS', 900, 1, 86_400),
    failuresPerAccount: readInt(env, 'AUTH_THROTTLE_FAILURES_PER_ACCOUNT', defaults.failuresPerAccount, 1, 1_000_000),
    loginsPerAddress: readInt(env, 'AUTH_THROTTLE_LOGINS_PER_ADDRESS', defaults.loginsPerAddress, 1, 1_000_000),
    registrationsPerAddress: readInt(env, 'AUTH_THROTTLE_REGISTRATIONS_PER_ADDRESS', defaults.registrationsPerAddress, 1, 1_000_000),
  };
}
