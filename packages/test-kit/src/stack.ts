import { loadGatewayConfig } from '@chirp/gateway/config';
import { startGateway } from '@chirp/gateway/server';
import { PROCESSES, SUBGRAPHS, type RunningService, type SubgraphConfig, type SubgraphEntry, type SubgraphName } from '@chirp/platform';
import { startSubgraph, type RunningSubgraph, type SubgraphModule, type SubgraphRequest } from '@chirp/subgraph-kit';
import { graphqlClient, type GraphQLClient } from './graphql-client';
import { testKeys, TEST_SERVICE_SECRET } from './keys';
import { mongoUri, testDbName } from './test-db';

/** Each subgraph of the registry by its name (`stack.auth`, `stack.posts`, `stack.users`), and the gateway. */
export interface Stack extends Record<SubgraphName, RunningSubgraph> {
  gateway: RunningService;
  /** GraphQL through the gateway. */
  graphql: GraphQLClient;
  /** The environment the processes were configured from, for tests that start more. */
  env: Record<string, string>;
  /** Another gateway over the same subgraphs, configured with `env` on top (limits on, production…); stopped with the stack. */
  gatewayWith(env: Record<string, string>): Promise<RunningService>;
  stop(): Promise<void>;
}

/** The subgraph a registry entry names, from its package (which exports it as `subgraph`). */
export async function loadSubgraph(entry: SubgraphEntry): Promise<SubgraphModule<SubgraphConfig, SubgraphRequest>> {
  const { subgraph } = (await import(entry.package)) as { subgraph?: SubgraphModule<SubgraphConfig, SubgraphRequest> };
  if (subgraph?.name !== entry.name) throw new Error(`${entry.package} must export the ${entry.name} subgraph as \`subgraph\``);
  return subgraph;
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
    // Every process on free ports, every subgraph on databases of this test file's own.
    ...Object.fromEntries(PROCESSES.flatMap((entry) => [[entry.portVariable, '0'], [entry.metricsPortVariable, '0']])),
    ...Object.fromEntries(SUBGRAPHS.map((entry) => [entry.dbVariable, testDbName(entry.name)])),
    // Tests that are about rate limits turn them on with small numbers; the rest would trip them.
    RATE_LIMIT_ENABLED: 'false',
    ...overrides,
  };
  // Each subgraph starts once those it calls are up (their URLs are then in `env`), the others alongside.
  const starting = new Map<SubgraphName, Promise<RunningSubgraph>>();
  for (const entry of SUBGRAPHS) {
    const callees = entry.calls.map((name) => starting.get(name as SubgraphName));
    starting.set(
      entry.name,
      Promise.all(callees).then(async () => {
        const subgraph = await loadSubgraph(entry);
        const running = await startSubgraph(subgraph, subgraph.loadConfig(env));
        env[entry.urlVariable] = `${running.url}/graphql`;
        return running;
      }),
    );
  }
  const subgraphs = Object.fromEntries(
    await Promise.all([...starting].map(async ([name, running]) => [name, await running] as const)),
  ) as Record<SubgraphName, RunningSubgraph>;
  const gateway = await startGateway(loadGatewayConfig(env));

  const extraGateways: RunningService[] = [];
  const stack: Stack = {
    ...subgraphs,
    gateway,
    env,
    graphql: graphqlClient(`${gateway.url}/graphql`),
    async gatewayWith(overrides) {
      const extra = await startGateway(loadGatewayConfig({ ...env, PORT: '0', METRICS_PORT: '0', ...overrides }));
      extraGateways.push(extra);
      return extra;
    },
    async stop() {
      for (const extra of extraGateways) await extra.stop();
      await stack.gateway.stop();
      // A test may have stopped a subgraph (its connection is then closed), or replaced it with a new one.
      const running = SUBGRAPHS.map(({ name }) => stack[name]).filter((subgraph) => subgraph.connection.readyState === 1);
      // No worker may write while the databases are dropped, or it would bring one back.
      for (const subgraph of running) await subgraph.stopWorkers();
      for (const subgraph of running) {
        await subgraph.connection.dropDatabase();
        await subgraph.stop();
      }
    },
  };
  return stack;
}
