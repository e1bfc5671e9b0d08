import type { Connection } from 'mongoose';
import { readSnapshot, subscribe, type StreamWorkerSpec, type SubgraphModule } from '@chirp/subgraph-kit';
import { followStream } from '@chirp/users-subgraph/events';
import { loadPostsConfig, type PostsConfig } from './config';
import { createContext, type Context } from './context';
import { postStream } from './events';
import { createCommentRepository } from './repositories/comment-repository';
import { createFollowGraphRepository } from './repositories/follow-graph-repository';
import { createLikeRepository } from './repositories/like-repository';
import { createPostRepository } from './repositories/post-repository';
import { createTimelineRepository } from './repositories/timeline-repository';
import { resolvers } from './resolvers';
import { createPostService } from './services/post-service';
import { createTimelineService, type TimelineService } from './services/timeline-service';

/** The repositories and services of one posts subgraph, built once from its connection. */
export async function createPostsModule(connection: Connection, config: PostsConfig) {
  const [posts, comments, likes, timelines, followGraph] = await Promise.all([
    createPostRepository(connection),
    createCommentRepository(connection),
    createLikeRepository(connection),
    createTimelineRepository(connection),
    createFollowGraphRepository(connection),
  ]);
  const repositories = { posts, comments, likes, timelines, followGraph };
  const services = {
    posts: createPostService(posts, comments, likes),
    timelines: createTimelineService(posts, timelines, followGraph, config),
  };
  const timelineWorker = createTimelineWorker(connection, config, services.timelines);
  return { repositories, services, workers: [timelineWorker] };
}

/**
 * Keeps home timelines from two streams: the posts subgraph's own (fan-out of new posts, removal of
 * deleted ones) and the users subgraph's follows (the projection of the social graph, copies on follow).
 */
function createTimelineWorker(connection: Connection, config: PostsConfig, timelines: TimelineService): StreamWorkerSpec {
  return {
    name: 'timelines',
    subscriptions: [
      subscribe({ stream: postStream, database: config.dbName, apply: timelines.applyPostEvents }),
      subscribe({ stream: followStream, database: config.usersDbName, apply: timelines.applyFollowEvents }),
    ],
    rebuild: () => timelines.rebuild(readSnapshot(connection, config.usersDbName, followStream)),
  };
}

export type PostsModule = Awaited<ReturnType<typeof createPostsModule>>;

/** Posts, comments, likes, and home timelines. */
export const subgraph: SubgraphModule<PostsConfig, Context, PostsModule> = {
  name: 'posts',
  loadConfig: loadPostsConfig,
  resolvers,
  createModule: createPostsModule,
  createContext,
  workers: (module) => module.workers,
};
