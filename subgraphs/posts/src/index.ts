import { startSubgraph, type RunningSubgraph } from '../../common/src/subgraph-server';
import type { PostsConfig } from './config';
import { createContext } from './context';
import { createCommentRepository } from './repositories/comment-repository';
import { createLikeRepository } from './repositories/like-repository';
import { createPostRepository } from './repositories/post-repository';
import { resolvers } from './resolvers';
import { createPostService } from './services/post-service';

/** Posts, comments, likes, and the home feed. */
export function startPostsSubgraph(config: PostsConfig): Promise<RunningSubgraph> {
  return startSubgraph({
    name: 'posts',
    config,
    resolvers,
    async setup(connection) {
      const [posts, comments, likes] = await Promise.all([
        createPostRepository(connection),
        createCommentRepository(connection),
        createLikeRepository(connection),
      ]);
      const dependencies = { posts, comments, likes, postService: createPostService(posts, comments, likes) };
      return (request) => createContext(request, dependencies);
    },
  });
}
