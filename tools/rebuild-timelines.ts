/**
 * `npm run timelines:rebuild`: rebuilds the posts subgraph's projection of the social graph and every
 * home timeline from the owners' data, with the posts service's environment (MONGODB_URI and the rest).
 * Safe while the system runs: a running timeline worker is asked to do it between two batches.
 */
import { ConfigError } from '@chirp/platform';
import { rebuildSubgraphWorker } from '@chirp/subgraph-kit';
import { subgraph } from '@chirp/posts-subgraph';

const started = Date.now();
Promise.resolve()
  .then(() => rebuildSubgraphWorker(subgraph, subgraph.loadConfig(process.env), 'timelines'))
  .then(
    (where) => console.log(`Timelines rebuilt (${where === 'here' ? 'by this command' : 'by the running timeline worker'}) in ${((Date.now() - started) / 1000).toFixed(1)} s.`),
    (error: unknown) => {
      console.error(error instanceof ConfigError ? `timelines:rebuild: invalid configuration: ${error.message}` : error);
      process.exit(1);
    },
  );
