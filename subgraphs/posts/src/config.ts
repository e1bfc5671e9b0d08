import { readDbName, readInt, readSubgraphConfig, subgraphEntry, type Env, type SubgraphConfig } from '@chirp/platform';

const AUTH = subgraphEntry('auth');
const USERS = subgraphEntry('users');

export interface PostsConfig extends SubgraphConfig {
  /** Authors with more followers than this have their posts merged into feeds when read, not fanned out. */
  highFollowerThreshold: number;
  /** The users subgraph's database, whose follow stream (and nothing else) the timeline worker reads. */
  usersDbName: string;
  /** The auth subgraph's database, whose account stream (and nothing else) the timeline worker reads. */
  authDbName: string;
}

export function loadPostsConfig(env: Env): PostsConfig {
  return {
    ...readSubgraphConfig(env, subgraphEntry('posts')),
    highFollowerThreshold: readInt(env, 'FANOUT_FOLLOWER_THRESHOLD', 10_000, 0, 10_000_000),
    usersDbName: readDbName(env, USERS.dbVariable, USERS.defaultDb),
    authDbName: readDbName(env, AUTH.dbVariable, AUTH.defaultDb),
  };
}
