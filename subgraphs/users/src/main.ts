import { runService } from '@chirp/platform';
import { loadUsersConfig } from './config';
import { startUsersSubgraph } from './index';

runService('users-subgraph', () => startUsersSubgraph(loadUsersConfig(process.env)));
