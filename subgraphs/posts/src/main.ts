import { runService } from '@chirp/platform';
import { loadPostsConfig } from './config';
import { startPostsSubgraph } from './index';

runService('posts-subgraph', () => startPostsSubgraph(loadPostsConfig(process.env)));
