import { startSubgraph, type RunningSubgraph } from '../../common/src/subgraph-server';
import type { AuthConfig } from './config';
import { createContext } from './context';
import { createUserRepository } from './repositories/user-repository';
import { resolvers } from './resolvers';
import { createAccountService } from './services/account-service';

/** Identity: registration, login, and the core fields of User. */
export function startAuthSubgraph(config: AuthConfig): Promise<RunningSubgraph> {
  return startSubgraph({
    name: 'auth',
    config,
    resolvers,
    async setup(connection) {
      const users = await createUserRepository(connection);
      const accounts = createAccountService(users, {
        privateKey: config.jwtPrivateKey,
        ttlSeconds: config.jwtTtlSeconds,
        bcryptRounds: config.bcryptRounds,
      });
      return (request) => createContext(request, users, accounts);
    },
  });
}
