import DataLoader from 'dataloader';
import { viewerEdgeLoader, type SubgraphRequest } from '@chirp/subgraph-kit';
import type { UsersModule } from './index';
import type { UserStats } from './repositories/follow-repository';

export interface Loaders {
  stats: DataLoader<string, UserStats>;
  /** Keyed by the followee; only made for a signed-in viewer. */
  followedByViewer: DataLoader<string, boolean> | null;
  /** Keyed by post; only made for a signed-in viewer. */
  bookmarkedByViewer: DataLoader<string, boolean> | null;
}

export interface Context extends SubgraphRequest {
  loaders: Loaders;
  services: UsersModule['services'];
}

/** Loaders are new for every request, so nothing cached outlives it. */
export function createContext(request: SubgraphRequest, { repositories, services }: UsersModule): Context {
  const { follows, bookmarks } = repositories;
  return {
    ...request,
    loaders: {
      stats: new DataLoader(async (ids) => {
        const found = new Map((await follows.statsByIds(ids)).map((stats) => [stats.id, stats]));
        return ids.map((id) => found.get(id) ?? { id, followersCount: 0, followingCount: 0 });
      }),
      followedByViewer: viewerEdgeLoader(request.viewer, follows.followedAmong),
      bookmarkedByViewer: viewerEdgeLoader(request.viewer, bookmarks.bookmarkedAmong),
    },
    services,
  };
}
