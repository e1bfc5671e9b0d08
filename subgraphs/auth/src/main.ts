import { runService } from '../../common/src/main';
import { loadAuthConfig } from './config';
import { startAuthSubgraph } from './index';

runService('auth-subgraph', () => startAuthSubgraph(loadAuthConfig(process.env)));
