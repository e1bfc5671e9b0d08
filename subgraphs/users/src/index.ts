import { startSubgraph, type RunningSubgraph } from '../../common/src/subgraph-server';
import type { UsersConfig } from './config';
import { createContext } from './context';
import { createFollowRepository } from './repositories/follow-repository';
import { resolvers } from './resolvers';
import { createFollowService } from './services/follow-service';
import { createUserDirectory } from './services/user-directory';

/** The social graph: follows, and the follower counts of each user. */
export function startUsersSubgraph(config: UsersConfig): Promise<RunningSubgraph> {
  return startSubgraph({
    name: 'users',
    config,
    resolvers,
    async setup(connection) {
      const follows = await createFollowRepository(connection);
      const followService = createFollowService(follows, createUserDirectory(config.authUrl));
      return (request) => createContext(request, follows, followService);
    },
  });
}
