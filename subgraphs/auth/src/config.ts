import { createPrivateKey, createPublicKey } from 'node:crypto';
import { ConfigError, readInt, readPrivateKey, readSubgraphConfig, type Env, type SubgraphConfig } from '../../common/src/config';

export interface AuthConfig extends SubgraphConfig {
  jwtPrivateKey: string;
  /** Token lifetime in seconds. */
  jwtTtlSeconds: number;
  bcryptRounds: number;
}

/** The auth subgraph signs tokens, so it needs the private key; the public key is derived from it when not given. */
export function loadAuthConfig(env: Env): AuthConfig {
  const jwtPrivateKey = readPrivateKey(env);
  let derivedPublicKey: string;
  try {
    const key = createPrivateKey(jwtPrivateKey);
    if (key.asymmetricKeyType !== 'ec') throw new Error('not EC');
    derivedPublicKey = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  } catch {
    throw new ConfigError('JWT_PRIVATE_KEY must be a PEM-encoded EC P-256 private key (ES256)');
  }
  const base = readSubgraphConfig(
    { ...env, JWT_PUBLIC_KEY: env.JWT_PUBLIC_KEY || derivedPublicKey },
    { portVariable: 'AUTH_PORT', defaultPort: 4001, dbVariable: 'AUTH_DB_NAME', defaultDb: 'chirp_auth' },
  );
  return {
    ...base,
    jwtPrivateKey,
    jwtTtlSeconds: readInt(env, 'JWT_TTL', 86400, 60, 30 * 86400),
    bcryptRounds: readInt(env, 'BCRYPT_ROUNDS', 10, 4, 15),
  };
}
