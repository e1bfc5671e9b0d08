import { runService } from '@chirp/platform';
import { loadAuthConfig } from './config';
import { startAuthSubgraph } from './index';

runService('auth-subgraph', () => startAuthSubgraph(loadAuthConfig(process.env)));
