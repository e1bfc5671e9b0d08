import { runService } from '../../common/src/main';
import { loadPostsConfig } from './config';
import { startPostsSubgraph } from './index';

runService('posts-subgraph', () => startPostsSubgraph(loadPostsConfig(process.env)));
