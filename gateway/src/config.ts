import {
  readBaseConfig,
  readBoolean,
  readInt,
  readPublicKey,
  readTrustProxy,
  GATEWAY,
  type SubgraphName,
  readSessionCheckMs,
  readSubgraphUrls,
  ConfigError,
  type BaseConfig,
  type Env,
} from '@chirp/platform';

export interface RateLimitConfig {
  enabled: boolean;
  /** Requests per minute per signed-in user, or per IP address when anonymous. */
  perMinute: number;
  /** login attempts per minute per IP address. */
  loginsPerMinute: number;
  /** Registrations per 30 minutes per IP address. */
  registrationsPer30Minutes: number;
}

export interface GatewayConfig extends BaseConfig {
  jwtPublicKey: string;
  /** Each subgraph's /graphql, by name. */
  subgraphs: Record<SubgraphName, string>;
  /** How long an answer that a token's session is open may be reused (SESSION_CHECK_SECONDS). */
  sessionCheckMs: number;
  rateLimits: RateLimitConfig;
  /** Browser origins allowed by CORS. */
  corsOrigins: string[];
  /** A subgraph that has not answered a call by then is reported unavailable (SERVICE_UNAVAILABLE naming it). */
  subgraphTimeoutMs: number;
  /** The proxy hops in front of the gateway whose X-Forwarded-For is believed (see readTrustProxy). */
  trustProxy: false | number | string[];
}

/** Apollo Studio's hosted Sandbox, which explores a local gateway from the browser. */
export const APOLLO_STUDIO_ORIGIN = 'https://studio.apollographql.com';

function readOrigins(env: Env, production: boolean): string[] {
  const raw = env.CORS_ORIGINS;
  if (raw === undefined) return production ? [] : [APOLLO_STUDIO_ORIGIN];
  const origins = raw.split(',').map((origin) => origin.trim()).filter(Boolean);
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== origin) {
      throw new ConfigError(`CORS_ORIGINS must be a comma-separated list of origins like https://app.example.com (got ${JSON.stringify(origin)})`);
    }
  }
  return origins;
}

/**
 * Production defaults follow common practice for sign-in endpoints; outside
 * production they are loose enough for `npm run seed`, demos and the soak
 * benchmark from one address.
 */
const AUTH_LIMIT_DEFAULTS = {
  production: { logins: 10, registrations: 5 },
  other: { logins: 300, registrations: 300 },
};

export function loadGatewayConfig(env: Env): GatewayConfig {
  const base = readBaseConfig(env, GATEWAY);
  // Unsigned calls would be refused by every subgraph in production: say so at start, not at the first request.
  if (base.nodeEnv === 'production' && !base.serviceSecret) {
    throw new ConfigError('SERVICE_SECRET must be set in production: the subgraphs answer only calls signed with it');
  }
  const authDefaults = base.nodeEnv === 'production' ? AUTH_LIMIT_DEFAULTS.production : AUTH_LIMIT_DEFAULTS.other;
  return {
    ...base,
    jwtPublicKey: readPublicKey(env),
    subgraphs: readSubgraphUrls(env),
    sessionCheckMs: readSessionCheckMs(env),
    rateLimits: {
      enabled: readBoolean(env, 'RATE_LIMIT_ENABLED', true),
      perMinute: readInt(env, 'RATE_LIMIT_PER_MINUTE', 600, 1, 1_000_000),
      loginsPerMinute: readInt(env, 'RATE_LIMIT_LOGINS_PER_MINUTE', authDefaults.logins, 1, 1_000_000),
      registrationsPer30Minutes: readInt(env, 'RATE_LIMIT_REGISTRATIONS_PER_30_MINUTES', authDefaults.registrations, 1, 1_000_000),
    },
    corsOrigins: readOrigins(env, base.nodeEnv === 'production'),
    trustProxy: readTrustProxy(env),
    subgraphTimeoutMs: readInt(env, 'SUBGRAPH_TIMEOUT_MS', 4000, 100, 60_000),
  };
}
