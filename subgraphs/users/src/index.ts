import { startSubgraph, type RunningSubgraph, type SubgraphDefinition } from '@chirp/subgraph-kit';
import type { UsersConfig } from './config';
import { createContext, type Context } from './context';
import { createFollowRepository } from './repositories/follow-repository';
import { resolvers } from './resolvers';
import { createFollowService } from './services/follow-service';
import { createUserDirectory, createCredentialSigner } from '@chirp/platform';

/** The social graph: follows, and the follower counts of each user. */
export function usersSubgraph(config: UsersConfig): SubgraphDefinition<Context> {
  return {
    name: 'users',
    config,
    resolvers,
    async setup(connection) {
      const follows = await createFollowRepository(connection);
      const signCredential = config.serviceSecret ? createCredentialSigner(config.serviceSecret, 'users') : null;
      const followService = createFollowService(follows, createUserDirectory(config.authUrl, signCredential), config);
      return (request) => createContext(request, follows, followService);
    },
  };
}

export function startUsersSubgraph(config: UsersConfig): Promise<RunningSubgraph> {
  return startSubgraph(usersSubgraph(config));
}
