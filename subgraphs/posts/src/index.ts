import type { Connection } from 'mongoose';
import { accountStream } from '@chirp/auth-subgraph/events';
import { createDeletedAccounts, readSnapshot, subscribe, type StreamWorkerSpec, type SubgraphModule } from '@chirp/subgraph-kit';
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
import { createAccountPurgeService, type AccountPurgeService } from './services/account-purge-service';
import { createPostService } from './services/post-service';
import { createTimelineService, type TimelineService } from './services/timeline-service';

/** The repositories and services of one posts subgraph, built once from its connection. */
export async function createPostsModule(connection: Connection, config: PostsConfig) {
  const [posts, comments, likes, timelines, followGraph, deletedAccounts] = await Promise.all([
    createPostRepository(connection),
    createCommentRepository(connection),
    createLikeRepository(connection),
    createTimelineRepository(connection),
    createFollowGraphRepository(connection),
    createDeletedAccounts(connection),
  ]);
  const repositories = { posts, comments, likes, timelines, followGraph, deletedAccounts };
  const services = {
    posts: createPostService(posts, comments, likes, deletedAccounts),
    timelines: createTimelineService(posts, timelines, followGraph, deletedAccounts, config),
    accounts: createAccountPurgeService(repositories),
  };
  const timelineWorker = createTimelineWorker(connection, config, services);
  return { repositories, services, workers: [timelineWorker] };
}

/**
 * Keeps home timelines from three streams: the posts subgraph's own (fan-out of new posts, removal of
 * deleted ones), the users subgraph's follows (the projection of the social graph, copies on follow) and
 * the auth subgraph's accounts (a deleted account's data removed). One worker, so that a purge never
 * interleaves with a fan-out or a follow's copy that would write the account's data back.
 */
function createTimelineWorker(
  connection: Connection,
  config: PostsConfig,
  { timelines, accounts }: { timelines: TimelineService; accounts: AccountPurgeService },
): StreamWorkerSpec {
  return {
    name: 'timelines',
    subscriptions: [
      subscribe({
        stream: postStream,
        database: config.dbName,
        // The purge's check comes after the fan-out, so that it never delays one (see applyPostEvents).
        apply: async (events) => {
          await timelines.applyPostEvents(events);
          await accounts.applyPostEvents(events);
        },
      }),
      subscribe({ stream: followStream, database: config.usersDbName, apply: timelines.applyFollowEvents }),
      subscribe({ stream: accountStream, database: config.authDbName, apply: accounts.applyAccountEvents }),
    ],
    // Accounts first: the timelines are then rebuilt from the data of live accounts only.
    rebuild: async () => {
      await accounts.reconcile(readSnapshot(connection, config.authDbName, accountStream));
      await timelines.rebuild(readSnapshot(connection, config.usersDbName, followStream));
    },
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
