import type { Connection } from 'mongoose';
import type { SubgraphModule } from '@chirp/subgraph-kit';
import { loadAuthConfig, type AuthConfig } from './config';
import { createContext, type Context } from './context';
import { createSessionRepository } from './repositories/session-repository';
import { createThrottleRepository } from './repositories/throttle-repository';
import { createUserRepository } from './repositories/user-repository';
import { resolvers } from './resolvers';
import { createAccountService } from './services/account-service';
import { createAuthThrottles, noThrottles } from './services/auth-throttles';

/** The repositories and services of one auth subgraph, built once from its connection. */
export async function createAuthModule(connection: Connection, config: AuthConfig) {
  const repositories = {
    users: await createUserRepository(connection),
    sessions: await createSessionRepository(connection),
    // With throttles off nothing is counted, so their collection and its index are not even made.
    throttles: config.throttles.enabled ? await createThrottleRepository(connection) : null,
  };
  const throttles = repositories.throttles ? createAuthThrottles(repositories.throttles, config.throttles) : noThrottles;
  const services = {
    accounts: createAccountService(repositories, throttles, {
      privateKey: config.jwtPrivateKey,
      ttlSeconds: config.jwtTtlSeconds,
      bcryptRounds: config.bcryptRounds,
    }),
  };
  return { repositories, services };
}

export type AuthModule = Awaited<ReturnType<typeof createAuthModule>>;

/** Identity: registration, sign-in and sessions, profiles, account deletion, and the core fields of User. */
export const subgraph: SubgraphModule<AuthConfig, Context, AuthModule> = {
  name: 'auth',
  loadConfig: loadAuthConfig,
  resolvers,
  createModule: createAuthModule,
  createContext,
  sessionLookup: ({ services }) => (sessionId) => services.accounts.sessionOwner(sessionId),
};
