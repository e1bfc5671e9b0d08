import { localSubgraphUrl, readInt, readSubgraphConfig, readUrl, subgraphEntry, type Env, type SubgraphConfig } from '@chirp/platform';

const AUTH = subgraphEntry('auth');

export interface UsersConfig extends SubgraphConfig {
  /** The auth subgraph's GraphQL endpoint, asked whether a user exists. */
  authUrl: string;
  /** How many accounts one user may follow (Mastodon's 7,500 by default). */
  maxFollowing: number;
}

/** Twitter stops at 5,000 and Mastodon at 7,500: a value past this is a typo (a zero too many), not a policy. */
const MAX_FOLLOWING_CEILING = 100_000;

export function loadUsersConfig(env: Env): UsersConfig {
  return {
    ...readSubgraphConfig(env, subgraphEntry('users')),
    authUrl: readUrl(env, AUTH.urlVariable, localSubgraphUrl(AUTH)),
    maxFollowing: readInt(env, 'MAX_FOLLOWING', 7500, 1, MAX_FOLLOWING_CEILING),
  };
}
