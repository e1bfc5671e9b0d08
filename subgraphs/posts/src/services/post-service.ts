import { type Viewer, badUserInput, CONTENT, forbidden, notFound, unauthenticated, parseId, type PageRequest } from '@chirp/platform';
import type { CommentRecord, CommentRepository } from '../repositories/comment-repository';
import type { LikeRepository } from '../repositories/like-repository';
import type { PostRecord, PostRepository } from '../repositories/post-repository';
import type { UserRef } from '../types';

/** Control characters other than line breaks and tabs (NUL, escape sequences) have no place in a post. */
const FORBIDDEN_CONTROL = /[^\P{Cc}\n\r\t]/u;

/** Post and comment text: 1-280 characters (code points) once trimmed. */
export function validateContent(content: string): string {
  const trimmed = content.trim();
  const length = [...trimmed].length;
  if (length < CONTENT.minLength || length > CONTENT.maxLength) {
    throw badUserInput(`content must be ${CONTENT.minLength}-${CONTENT.maxLength} characters`, 'content');
  }
  if (FORBIDDEN_CONTROL.test(trimmed)) throw badUserInput('content must not contain control characters', 'content');
  return trimmed;
}

function requireViewer(viewer: Viewer | null): Viewer {
  if (!viewer) throw unauthenticated();
  return viewer;
}

export type PostService = ReturnType<typeof createPostService>;

export function createPostService(posts: PostRepository, comments: CommentRepository, likes: LikeRepository) {
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
      const author = requireViewer(viewer);
      return posts.create(author.id, validateContent(content));
    },

    async update(viewer: Viewer | null, id: string, content: string): Promise<PostRecord> {
      const author = requireViewer(viewer);
      const postId = parseId(id, 'id');
      const text = validateContent(content);
      await ownPost(author, postId);
      const updated = await posts.updateContent(postId, author.id, text);
      if (!updated) throw notFound('Post not found');
      return updated;
    },

    /** The post goes first, so that nothing new can attach to it; then what hung on it. */
    async delete(viewer: Viewer | null, id: string): Promise<string> {
      const author = requireViewer(viewer);
      const postId = parseId(id, 'id');
      await ownPost(author, postId);
      if (!(await posts.delete(postId, author.id))) throw notFound('Post not found');
      await Promise.all([comments.deleteByPost(postId), likes.deleteByPost(postId)]);
      return postId;
    },

    async addComment(viewer: Viewer | null, postId: string, content: string): Promise<CommentRecord> {
      const author = requireViewer(viewer);
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
      const user = requireViewer(viewer);
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
      const user = requireViewer(viewer);
      const id = parseId(postId, 'postId');
      const post = await existingPost(id);
      if (!(await likes.remove(id, user.id))) return post;
      const unliked = await posts.increment(id, 'likeCount', -1);
      if (!unliked) throw notFound('Post not found');
      return unliked;
    },

    /** The home feed: the owner's own posts and those of everyone they follow. Only its owner may read it. */
    feed(viewer: Viewer | null, user: UserRef, page: PageRequest): Promise<PostRecord[]> {
      const owner = requireViewer(viewer);
      if (owner.id !== user.id) throw forbidden('Only its owner can read a feed');
      return posts.pageByAuthors([user.id, ...(user.followingIds ?? [])], page);
    },
  };
}
