import { readSubgraphConfig, type Env, type SubgraphConfig } from '@chirp/platform';

export type PostsConfig = SubgraphConfig;

export function loadPostsConfig(env: Env): PostsConfig {
  return readSubgraphConfig(env, { portVariable: 'POSTS_PORT', defaultPort: 4002, metricsPortVariable: 'POSTS_METRICS_PORT', defaultMetricsPort: 9402, dbVariable: 'POSTS_DB_NAME', defaultDb: 'chirp_posts' });
}
