import { loadGatewayConfig } from '@chirp/gateway/config';
import { startGateway } from '@chirp/gateway/server';
import type { RunningService } from '@chirp/platform';
import type { RunningSubgraph } from '@chirp/subgraph-kit';
import { loadAuthConfig } from '@chirp/auth-subgraph/config';
import { startAuthSubgraph } from '@chirp/auth-subgraph';
import { loadPostsConfig } from '@chirp/posts-subgraph/config';
import { startPostsSubgraph } from '@chirp/posts-subgraph';
import { loadUsersConfig } from '@chirp/users-subgraph/config';
import { startUsersSubgraph } from '@chirp/users-subgraph';
import { graphqlClient, type GraphQLClient } from './graphql-client';
import { testKeys, TEST_SERVICE_SECRET } from './keys';
import { mongoUri, testDbName } from './test-db';

export interface Stack {
  gateway: RunningService;
  auth: RunningSubgraph;
  users: RunningSubgraph;
  posts: RunningSubgraph;
  /** GraphQL through the gateway. */
  graphql: GraphQLClient;
  /** The environment the processes were configured from, for tests that start more. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * The whole system in this process, each server on a free port and each
 * subgraph in databases of this test file's own, the way `npm start` wires it.
 * `overrides` changes the environment the processes are configured from.
 */
export async function startStack(overrides: Record<string, string> = {}): Promise<Stack> {
  const { privateKey, publicKey } = testKeys();
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    MONGODB_URI: mongoUri(),
    JWT_PRIVATE_KEY: privateKey,
    JWT_PUBLIC_KEY: publicKey,
    BCRYPT_ROUNDS: '4',
    // Every internal call is signed, as in production; subgraphs still take unsigned ones unless a test requires them.
    SERVICE_SECRET: TEST_SERVICE_SECRET,
    PORT: '0',
    AUTH_PORT: '0',
    USERS_PORT: '0',
    POSTS_PORT: '0',
    METRICS_PORT: '0',
    AUTH_METRICS_PORT: '0',
    USERS_METRICS_PORT: '0',
    POSTS_METRICS_PORT: '0',
    AUTH_DB_NAME: testDbName('auth'),
    USERS_DB_NAME: testDbName('users'),
    POSTS_DB_NAME: testDbName('posts'),
    // Tests that are about rate limits turn them on with small numbers; the rest would trip them.
    RATE_LIMIT_ENABLED: 'false',
    ...overrides,
  };
  const auth = await startAuthSubgraph(loadAuthConfig(env));
  env.AUTH_URL = `${auth.url}/graphql`;
  const [users, posts] = await Promise.all([
    startUsersSubgraph(loadUsersConfig(env)),
    startPostsSubgraph(loadPostsConfig(env)),
  ]);
  env.USERS_URL = `${users.url}/graphql`;
  env.POSTS_URL = `${posts.url}/graphql`;
  const gateway = await startGateway(loadGatewayConfig(env));

  const stack: Stack = {
    gateway,
    auth,
    users,
    posts,
    env,
    graphql: graphqlClient(`${gateway.url}/graphql`),
    async stop() {
      await stack.gateway.stop();
      // A test may have stopped a subgraph (its connection is then closed), or replaced it with a new one.
      for (const subgraph of [stack.auth, stack.users, stack.posts].filter((running) => running.connection.readyState === 1)) {
        await subgraph.connection.dropDatabase();
        await subgraph.stop();
      }
    },
  };
  return stack;
}
