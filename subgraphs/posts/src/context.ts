import DataLoader from 'dataloader';
import { type SubgraphRequest, byId, viewerEdgeLoader } from '@chirp/subgraph-kit';
import type { CommentRepository } from './repositories/comment-repository';
import type { LikeRepository } from './repositories/like-repository';
import type { PostRecord, PostRepository } from './repositories/post-repository';
import type { PostService } from './services/post-service';

export interface Context extends SubgraphRequest {
  loaders: {
    postById: DataLoader<string, PostRecord | null>;
    /** Keyed by post; only made for a signed-in viewer. */
    likedByViewer: DataLoader<string, boolean> | null;
  };
  posts: PostRepository;
  comments: CommentRepository;
  postService: PostService;
}

export interface PostsDependencies {
  posts: PostRepository;
  comments: CommentRepository;
  likes: LikeRepository;
  postService: PostService;
}

/** Loaders are new for every request, so nothing cached outlives it. */
export function createContext(request: SubgraphRequest, { posts, comments, likes, postService }: PostsDependencies): Context {
  return {
    ...request,
    loaders: {
      postById: new DataLoader((ids) => posts.findByIds(ids).then(byId(ids))),
      likedByViewer: viewerEdgeLoader(request.viewer, likes.likedAmong),
    },
    posts,
    comments,
    postService,
  };
}
