import DataLoader from 'dataloader';
import { type SubgraphRequest, byId } from '@chirp/subgraph-kit';
import type { UserRecord, UserRepository } from './repositories/user-repository';
import type { AccountService } from './services/account-service';

export interface Context extends SubgraphRequest {
  loaders: { userById: DataLoader<string, UserRecord | null> };
  users: UserRepository;
  accounts: AccountService;
}

/** Loaders are new for every request, so nothing cached outlives it. */
export function createContext(request: SubgraphRequest, users: UserRepository, accounts: AccountService): Context {
  return {
    ...request,
    loaders: { userById: new DataLoader((ids) => users.findByIds(ids).then(byId(ids))) },
    users,
    accounts,
  };
}
