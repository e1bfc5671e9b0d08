import type { Connection } from 'mongoose';
import { accountStream } from '@chirp/auth-subgraph/events';
import { createCredentialSigner, createUserDirectory, type EntityOwner } from '@chirp/platform';
import { createDeletedAccounts, readSnapshot, subscribe, type StreamWorkerSpec, type SubgraphModule } from '@chirp/subgraph-kit';
import { postStream } from '@chirp/posts-subgraph/events';
import { loadUsersConfig, type UsersConfig } from './config';
import { createContext, type Context } from './context';
import { createBookmarkRepository } from './repositories/bookmark-repository';
import { createFollowRepository } from './repositories/follow-repository';
import { resolvers } from './resolvers';
import { createAccountChecks } from './services/account-checks';
import { createBookmarkService } from './services/bookmark-service';
import { createDeletionService, type DeletionService } from './services/deletion-service';
import { createFollowService } from './services/follow-service';
import { createPostDirectory } from './services/post-directory';

/** The repositories and services of one users subgraph, built once from its connection. */
export async function createUsersModule(connection: Connection, config: UsersConfig) {
  const [follows, bookmarks, deletedAccounts] = await Promise.all([
    createFollowRepository(connection),
    createBookmarkRepository(connection),
    createDeletedAccounts(connection),
  ]);
  const repositories = { follows, bookmarks, deletedAccounts };
  const signCredential = config.serviceSecret ? createCredentialSigner(config.serviceSecret, 'users') : null;
  const owner = (serviceName: 'auth' | 'posts'): EntityOwner => ({ serviceName, url: config.subgraphUrls[serviceName], signCredential });
  const posts = createPostDirectory(owner('posts'));
  const accounts = createAccountChecks(deletedAccounts);
  const services = {
    follows: createFollowService(follows, createUserDirectory(owner('auth')), accounts, config),
    bookmarks: createBookmarkService(bookmarks, posts, accounts),
    deletions: createDeletionService(follows, bookmarks, deletedAccounts, posts),
  };
  const deletionsWorker = createDeletionsWorker(connection, config, services.deletions);
  return { repositories, services, workers: [deletionsWorker] };
}

/**
 * Removes what this subgraph holds of deleted accounts and posts, from two streams: the auth subgraph's
 * accounts and the posts subgraph's posts.
 */
function createDeletionsWorker(connection: Connection, config: UsersConfig, deletions: DeletionService): StreamWorkerSpec {
  return {
    name: 'deletions',
    subscriptions: [
      subscribe({ stream: accountStream, database: config.authDbName, apply: deletions.applyAccountEvents }),
      subscribe({ stream: postStream, database: config.postsDbName, apply: deletions.applyPostEvents }),
    ],
    rebuild: () => deletions.rebuild(readSnapshot(connection, config.authDbName, accountStream)),
  };
}

export type UsersModule = Awaited<ReturnType<typeof createUsersModule>>;

/** The social graph (follows and the follower counts of each user) and bookmarks. */
export const subgraph: SubgraphModule<UsersConfig, Context, UsersModule> = {
  name: 'users',
  loadConfig: loadUsersConfig,
  resolvers,
  createModule: createUsersModule,
  createContext,
  workers: (module) => module.workers,
};
