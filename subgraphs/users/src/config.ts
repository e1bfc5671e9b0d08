import { readSubgraphConfig, readUrl, type Env, type SubgraphConfig } from '../../common/src/config';

export interface UsersConfig extends SubgraphConfig {
  /** The auth subgraph's GraphQL endpoint, asked whether a user exists. */
  authUrl: string;
}

export function loadUsersConfig(env: Env): UsersConfig {
  return {
    ...readSubgraphConfig(env, { portVariable: 'USERS_PORT', defaultPort: 4003, metricsPortVariable: 'USERS_METRICS_PORT', defaultMetricsPort: 9403, dbVariable: 'USERS_DB_NAME', defaultDb: 'chirp_users' }),
    authUrl: readUrl(env, 'AUTH_URL', 'http://127.0.0.1:4001/graphql'),
  };
}
