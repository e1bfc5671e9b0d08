import { startSubgraph, type RunningSubgraph, type SubgraphDefinition } from '@chirp/subgraph-kit';
import type { AuthConfig } from './config';
import { createContext, type Context } from './context';
import { createThrottleRepository } from './repositories/throttle-repository';
import { createUserRepository } from './repositories/user-repository';
import { resolvers } from './resolvers';
import { createAccountService } from './services/account-service';
import { createAuthThrottles, noThrottles } from './services/auth-throttles';

/** Identity: registration, login, and the core fields of User. */
export function authSubgraph(config: AuthConfig): SubgraphDefinition<Context> {
  return {
    name: 'auth',
    config,
    resolvers,
    async setup(connection) {
      const users = await createUserRepository(connection);
      const throttles = config.throttles.enabled
        ? createAuthThrottles(await createThrottleRepository(connection), config.throttles)
        : noThrottles;
      const accounts = createAccountService(users, throttles, {
        privateKey: config.jwtPrivateKey,
        ttlSeconds: config.jwtTtlSeconds,
        bcryptRounds: config.bcryptRounds,
      });
      return (request) => createContext(request, users, accounts);
    },
  };
}

export function startAuthSubgraph(config: AuthConfig): Promise<RunningSubgraph> {
  return startSubgraph(authSubgraph(config));
}
