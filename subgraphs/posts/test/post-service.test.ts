import { describe, expect, test } from '@jest/globals';
import type { CommentRepository } from '../src/repositories/comment-repository';
import type { LikeRepository } from '../src/repositories/like-repository';
import type { PostRecord, PostRepository } from '../src/repositories/post-repository';
import { createPostService } from '../src/services/post-service';

const POST_ID = '0123456789abcdef01234567';
const viewer = { id: 'fedcba9876543210fedcba98' };
const post: PostRecord = {
  id: POST_ID,
  authorId: viewer.id,
  content: 'hello',
  createdAt: new Date(),
  updatedAt: new Date(),
  editedAt: null,
  likeCount: 0,
  commentCount: 0,
};

/**
 * A post deleted between the existence check and the counter update: the
 * delete has already swept its likes and comments, so the one just written
 * must be taken back, or it would outlive its post.
 */
function postDeletedMidway() {
  const removed: string[] = [];
  const posts = { findByIds: async () => [post], increment: async () => null } as unknown as PostRepository;
  const likes = {
    add: async () => true,
    remove: async (postId: string, userId: string) => (removed.push(`like ${postId} ${userId}`), true),
  } as unknown as LikeRepository;
  const comments = {
    create: async () => ({ id: 'c1', postId: POST_ID, authorId: viewer.id, content: 'hi', createdAt: new Date() }),
    delete: async (id: string) => void removed.push(`comment ${id}`),
  } as unknown as CommentRepository;
  return { service: createPostService(posts, comments, likes), removed };
}

describe('post service when the post is deleted concurrently', () => {
  test('when a like lands after the delete swept the likes, then it is removed and the answer is NOT_FOUND', async () => {
    const { service, removed } = postDeletedMidway();
    await expect(service.like(viewer, POST_ID)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    expect(removed).toEqual([`like ${POST_ID} ${viewer.id}`]);
  });

  test('when a comment lands after the delete swept the comments, then it is removed and the answer is NOT_FOUND', async () => {
    const { service, removed } = postDeletedMidway();
    await expect(service.addComment(viewer, POST_ID, 'hi')).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    expect(removed).toEqual(['comment c1']);
  });
});
