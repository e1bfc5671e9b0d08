import DataLoader from 'dataloader';
import type { Viewer } from '../../common/src/auth';
import type { RequestScope } from '../../common/src/observability';
import { byId } from '../../common/src/loaders';
import type { UserRecord, UserRepository } from './repositories/user-repository';
import type { AccountService } from './services/account-service';

export interface Context extends RequestScope {
  viewer: Viewer | null;
  loaders: { userById: DataLoader<string, UserRecord | null> };
  users: UserRepository;
  accounts: AccountService;
}

/** Loaders are new for every request, so nothing cached outlives it. */
export function createContext(request: RequestScope & { viewer: Viewer | null }, users: UserRepository, accounts: AccountService): Context {
  return {
    ...request,
    loaders: { userById: new DataLoader((ids) => users.findByIds(ids).then(byId(ids))) },
    users,
    accounts,
  };
}
