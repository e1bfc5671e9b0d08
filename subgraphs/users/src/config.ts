import { readDbName, readInt, readSubgraphConfig, subgraphEntry, type Env, type SubgraphConfig } from '@chirp/platform';

const AUTH = subgraphEntry('auth');
const POSTS = subgraphEntry('posts');

export interface UsersConfig extends SubgraphConfig {
  /** How many accounts one user may follow (Mastodon's 7,500 by default). */
  maxFollowing: number;
  /** The auth subgraph's database, whose account stream (and nothing else) the deletions worker reads. */
  authDbName: string;
  /** The posts subgraph's database, whose posts stream (and nothing else) the deletions worker reads. */
  postsDbName: string;
}

/** Twitter stops at 5,000 and Mastodon at 7,500: a value past this is a typo (a zero too many), not a policy. */
const MAX_FOLLOWING_CEILING = 100_000;

export function loadUsersConfig(env: Env): UsersConfig {
  return {
    ...readSubgraphConfig(env, subgraphEntry('users')),
    maxFollowing: readInt(env, 'MAX_FOLLOWING', 7500, 1, MAX_FOLLOWING_CEILING),
    authDbName: readDbName(env, AUTH.dbVariable, AUTH.defaultDb),
    postsDbName: readDbName(env, POSTS.dbVariable, POSTS.defaultDb),
  };
}
