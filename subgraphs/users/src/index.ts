import type { Connection } from 'mongoose';
import { createCredentialSigner, createUserDirectory } from '@chirp/platform';
import type { SubgraphModule } from '@chirp/subgraph-kit';
import { loadUsersConfig, type UsersConfig } from './config';
import { createContext, type Context } from './context';
import { createFollowRepository } from './repositories/follow-repository';
import { resolvers } from './resolvers';
import { createFollowService } from './services/follow-service';

/** The repositories and services of one users subgraph, built once from its connection. */
export async function createUsersModule(connection: Connection, config: UsersConfig) {
  const repositories = { follows: await createFollowRepository(connection) };
  const signCredential = config.serviceSecret ? createCredentialSigner(config.serviceSecret, 'users') : null;
  const services = {
    follows: createFollowService(repositories.follows, createUserDirectory(config.authUrl, signCredential), config),
  };
  return { repositories, services };
}

export type UsersModule = Awaited<ReturnType<typeof createUsersModule>>;

/** The social graph: follows, and the follower counts of each user. */
export const subgraph: SubgraphModule<UsersConfig, Context, UsersModule> = {
  name: 'users',
  loadConfig: loadUsersConfig,
  resolvers,
  createModule: createUsersModule,
  createContext,
};
