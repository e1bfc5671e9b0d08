import DataLoader from 'dataloader';
import { type SubgraphRequest, byId, viewerEdgeLoader } from '@chirp/subgraph-kit';
import type { PostsModule } from './index';
import type { PostRecord } from './repositories/post-repository';

export interface Loaders {
  postById: DataLoader<string, PostRecord | null>;
  /** Keyed by post; only made for a signed-in viewer. */
  likedByViewer: DataLoader<string, boolean> | null;
}

export interface Context extends SubgraphRequest {
  loaders: Loaders;
  services: PostsModule['services'];
}

/** Loaders are new for every request, so nothing cached outlives it. */
export function createContext(request: SubgraphRequest, { repositories, services }: PostsModule): Context {
  const { posts, likes } = repositories;
  return {
    ...request,
    loaders: {
      postById: new DataLoader((ids) => posts.findByIds(ids).then(byId(ids))),
      likedByViewer: viewerEdgeLoader(request.viewer, likes.likedAmong),
    },
    services,
  };
}
