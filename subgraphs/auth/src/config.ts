import { createPrivateKey, createPublicKey } from 'node:crypto';
import { ConfigError, isP256, readInt, readPrivateKey, readSubgraphConfig, type Env, type SubgraphConfig } from '../../common/src/config';

export interface AuthConfig extends SubgraphConfig {
  jwtPrivateKey: string;
  /** Token lifetime in seconds. */
  jwtTtlSeconds: number;
  bcryptRounds: number;
}

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
    { portVariable: 'AUTH_PORT', defaultPort: 4001, metricsPortVariable: 'AUTH_METRICS_PORT', defaultMetricsPort: 9401, dbVariable: 'AUTH_DB_NAME', defaultDb: 'chirp_auth' },
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
  };
}
