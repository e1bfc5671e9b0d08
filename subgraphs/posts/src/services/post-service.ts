import { type Viewer, forbidden, isObjectId, notFound, parseId, type PageRequest } from '@chirp/platform';
import { accountDeleted, requireViewer, type DeletedAccounts } from '@chirp/subgraph-kit';
import type { Loaders } from '../context';
import type { CommentRecord, CommentRepository } from '../repositories/comment-repository';
import type { LikeRepository } from '../repositories/like-repository';
import type { PostRecord, PostRepository } from '../repositories/post-repository';
import { validateContent } from './validation';

export type PostService = ReturnType<typeof createPostService>;

export function createPostService(
  posts: PostRepository,
  comments: CommentRepository,
  likes: LikeRepository,
  deletedAccounts: Pick<DeletedAccounts, 'isDeleted'>,
) {
  /**
   * The viewer, for a write. A deleted account's token may be believed a while longer (sessions are
   * checked again within 30 s), but its writes are refused as soon as the deletion has reached this
   * subgraph, so that nothing of the account is written after its data was removed.
   */
  async function writer(viewer: Viewer | null): Promise<Viewer> {
    const user = requireViewer(viewer);
    if (await deletedAccounts.isDeleted(user.id)) throw accountDeleted();
    return user;
  }

  async function existingPost(postId: string): Promise<PostRecord> {
    const [post] = await posts.findByIds([postId]);
    if (!post) throw notFound('Post not found');
    return post;
  }

  /** The post, if the viewer wrote it: NOT_FOUND before FORBIDDEN, so ids are checked first. */
  async function ownPost(viewer: Viewer, postId: string): Promise<PostRecord> {
    const post = await existingPost(postId);
    if (post.authorId !== viewer.id) throw forbidden('Only the author can change this post');
    return post;
  }

  return {
    async create(viewer: Viewer | null, content: string): Promise<PostRecord> {
      const author = await writer(viewer);
      return posts.create(author.id, validateContent(content));
    },

    async update(viewer: Viewer | null, id: string, content: string): Promise<PostRecord> {
      const author = await writer(viewer);
      const postId = parseId(id, 'id');
      const text = validateContent(content);
      await ownPost(author, postId);
      const updated = await posts.updateContent(postId, author.id, text);
      if (!updated) throw notFound('Post not found');
      return updated;
    },

    /** The post goes first, so that nothing new can attach to it; then what hung on it. */
    async delete(viewer: Viewer | null, id: string): Promise<string> {
      const author = await writer(viewer);
      const postId = parseId(id, 'id');
      await ownPost(author, postId);
      if (!(await posts.delete(postId, author.id))) throw notFound('Post not found');
      await Promise.all([comments.deleteByPosts([postId]), likes.deleteByPosts([postId])]);
      return postId;
    },

    async addComment(viewer: Viewer | null, postId: string, content: string): Promise<CommentRecord> {
      const author = await writer(viewer);
      const id = parseId(postId, 'postId');
      const text = validateContent(content);
      await existingPost(id);
      const comment = await comments.create(id, author.id, text);
      if (!(await posts.increment(id, 'commentCount', 1))) {
        // The post was deleted meanwhile, after its comments were swept: take this one back.
        await comments.delete(comment.id);
        throw notFound('Post not found');
      }
      return comment;
    },

    /** Idempotent: the count moves only when a like was really added. */
    async like(viewer: Viewer | null, postId: string): Promise<PostRecord> {
      const user = await writer(viewer);
      const id = parseId(postId, 'postId');
      const post = await existingPost(id);
      if (!(await likes.add(id, user.id))) return post;
      const liked = await posts.increment(id, 'likeCount', 1);
      if (!liked) {
        // The post was deleted meanwhile, after its likes were swept: take this one back.
        await likes.remove(id, user.id);
        throw notFound('Post not found');
      }
      return liked;
    },

    /** Idempotent: the count moves only when a like was really removed. */
    async unlike(viewer: Viewer | null, postId: string): Promise<PostRecord> {
      const user = await writer(viewer);
      const id = parseId(postId, 'postId');
      const post = await existingPost(id);
      if (!(await likes.remove(id, user.id))) return post;
      const unliked = await posts.increment(id, 'likeCount', -1);
      if (!unliked) throw notFound('Post not found');
      return unliked;
    },

    /** A malformed id is BAD_USER_INPUT; an id that matches no post, null. */
    post(id: string, loaders: Loaders): Promise<PostRecord | null> {
      return loaders.postById.load(parseId(id, 'id'));
    },

    /** Other subgraphs name posts by id; an id that matches no post resolves to null. */
    async byReference(id: string, loaders: Loaders): Promise<PostRecord | null> {
      return isObjectId(id) ? loaders.postById.load(id.toLowerCase()) : null;
    },

    /** The post a comment is on; NOT_FOUND once the post is deleted. */
    async postOf(comment: CommentRecord, loaders: Loaders): Promise<PostRecord> {
      const post = await loaders.postById.load(comment.postId);
      if (!post) throw notFound('Post not found');
      return post;
    },

    /** False when anonymous. */
    async likedByViewer(postId: string, loaders: Loaders): Promise<boolean> {
      return loaders.likedByViewer?.load(postId) ?? false;
    },

    comments(postId: string, page: PageRequest): Promise<CommentRecord[]> {
      return comments.pageByPost(postId, page);
    },

    /** A user's own posts, newest first; none for an id that is not one. */
    async byAuthor(userId: string, page: PageRequest): Promise<PostRecord[]> {
      return isObjectId(userId) ? posts.pageByAuthors([userId], page) : [];
    },
  };
}
