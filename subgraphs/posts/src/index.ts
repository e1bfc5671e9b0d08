import type { Connection } from 'mongoose';
import type { SubgraphModule } from '@chirp/subgraph-kit';
import { loadPostsConfig, type PostsConfig } from './config';
import { createContext, type Context } from './context';
import { createCommentRepository } from './repositories/comment-repository';
import { createLikeRepository } from './repositories/like-repository';
import { createPostRepository } from './repositories/post-repository';
import { resolvers } from './resolvers';
import { createPostService } from './services/post-service';

/** The repositories and services of one posts subgraph, built once from its connection. */
export async function createPostsModule(connection: Connection) {
  const [posts, comments, likes] = await Promise.all([
    createPostRepository(connection),
    createCommentRepository(connection),
    createLikeRepository(connection),
  ]);
  const repositories = { posts, comments, likes };
  const services = { posts: createPostService(posts, comments, likes) };
  return { repositories, services };
}

export type PostsModule = Awaited<ReturnType<typeof createPostsModule>>;

/** Posts, comments, likes, and the home feed. */
export const subgraph: SubgraphModule<PostsConfig, Context, PostsModule> = {
  name: 'posts',
  loadConfig: loadPostsConfig,
  resolvers,
  createModule: createPostsModule,
  createContext,
};
