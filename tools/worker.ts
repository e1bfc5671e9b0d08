/**
 * `npm run worker`: the stream workers of every subgraph that has some (the service registry says
 * which), in one process that serves nothing but /metrics on each subgraph's metrics port. This is
 * their home where the subgraphs themselves run on AWS Lambda (docs/deploy-aws.md); elsewhere they run
 * inside the subgraphs' processes, and RUN_WORKERS=false keeps them out of a process that should only serve.
 */
import { runService, SUBGRAPHS, type SubgraphConfig } from '@chirp/platform';
import { startSubgraphWorkers, type SubgraphModule, type SubgraphRequest } from '@chirp/subgraph-kit';

runService('workers', async () => {
  const running = await Promise.all(
    SUBGRAPHS.filter((entry) => entry.workers).map(async (entry) => {
      const { subgraph } = (await import(entry.package)) as { subgraph: SubgraphModule<SubgraphConfig, SubgraphRequest> };
      return startSubgraphWorkers(subgraph, subgraph.loadConfig(process.env));
    }),
  );
  const [first] = running;
  if (!first) throw new Error('no subgraph in the service registry has stream workers');
  return {
    ...first,
    stop: async () => {
      await Promise.all(running.map((service) => service.stop()));
    },
  };
});
