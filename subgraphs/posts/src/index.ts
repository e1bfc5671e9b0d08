import { startSubgraph, type RunningSubgraph, type SubgraphDefinition } from '@chirp/subgraph-kit';
import type { PostsConfig } from './config';
import { createContext, type Context } from './context';
import { createCommentRepository } from './repositories/comment-repository';
import { createLikeRepository } from './repositories/like-repository';
import { createPostRepository } from './repositories/post-repository';
import { resolvers } from './resolvers';
import { createPostService } from './services/post-service';

/** Posts, comments, likes, and the home feed. */
export function postsSubgraph(config: PostsConfig): SubgraphDefinition<Context> {
  return {
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
  };
}

export function startPostsSubgraph(config: PostsConfig): Promise<RunningSubgraph> {
  return startSubgraph(postsSubgraph(config));
}
