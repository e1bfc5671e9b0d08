import { runSubgraphWorkers } from '@chirp/subgraph-kit';
import { subgraph } from './index';

runSubgraphWorkers(subgraph);
