import { readSubgraphConfig, subgraphEntry, type Env, type SubgraphConfig } from '@chirp/platform';

export type PostsConfig = SubgraphConfig;

export function loadPostsConfig(env: Env): PostsConfig {
  return readSubgraphConfig(env, subgraphEntry('posts'));
}
