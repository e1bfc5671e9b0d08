import DataLoader from 'dataloader';
import { viewerEdgeLoader, type SubgraphRequest } from '@chirp/subgraph-kit';
import type { FollowRepository, UserStats } from './repositories/follow-repository';
import type { FollowService } from './services/follow-service';

export interface Context extends SubgraphRequest {
  loaders: {
    stats: DataLoader<string, UserStats>;
    /** Empty for anyone but the viewer (see FollowService.followingIds). */
    followingIds: DataLoader<string, string[]>;
    /** Keyed by the followee; only made for a signed-in viewer. */
    followedByViewer: DataLoader<string, boolean> | null;
  };
  follows: FollowRepository;
  followService: FollowService;
}

/** Loaders are new for every request, so nothing cached outlives it. */
export function createContext(request: SubgraphRequest, follows: FollowRepository, followService: FollowService): Context {
  return {
    ...request,
    loaders: {
      stats: new DataLoader(async (ids) => {
        const found = new Map((await follows.statsByIds(ids)).map((stats) => [stats.id, stats]));
        return ids.map((id) => found.get(id) ?? { id, followersCount: 0, followingCount: 0 });
      }),
      followingIds: new DataLoader((ids) => followService.followingIds(request.viewer, ids)),
      followedByViewer: viewerEdgeLoader(request.viewer, follows.followedAmong),
    },
    follows,
    followService,
  };
}
