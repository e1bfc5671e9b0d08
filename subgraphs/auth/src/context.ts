import DataLoader from 'dataloader';
import { type SubgraphRequest, byId } from '@chirp/subgraph-kit';
import type { AuthModule } from './index';
import type { UserRecord } from './repositories/user-repository';

export interface Loaders {
  userById: DataLoader<string, UserRecord | null>;
}

export interface Context extends SubgraphRequest {
  loaders: Loaders;
  services: AuthModule['services'];
}

/** Loaders are new for every request, so nothing cached outlives it. */
export function createContext(request: SubgraphRequest, { repositories, services }: AuthModule): Context {
  const { users } = repositories;
  return {
    ...request,
    loaders: { userById: new DataLoader((ids) => users.findByIds(ids).then(byId(ids))) },
    services,
  };
}
