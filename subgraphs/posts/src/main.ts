import { runSubgraph } from '@chirp/subgraph-kit';
import { subgraph } from './index';

runSubgraph(subgraph);
