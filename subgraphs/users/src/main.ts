import { runService } from '../../common/src/main';
import { loadUsersConfig } from './config';
import { startUsersSubgraph } from './index';

runService('users-subgraph', () => startUsersSubgraph(loadUsersConfig(process.env)));
