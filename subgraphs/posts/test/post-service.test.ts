import { describe, expect, test } from '@jest/globals';
import type { CommentRepository } from '../src/repositories/comment-repository';
import type { LikeRepository } from '../src/repositories/like-repository';
import type { PostRecord, PostRepository } from '../src/repositories/post-repository';
import { createPostService } from '../src/services/post-service';

const POST_ID = '0123456789abcdef01234567';
const viewer = { id: 'fedcba9876543210fedcba98', sessionId: 'cccccccccccccccccccccccc' };
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
  return { service: createPostService(posts, comments, likes, { isDeleted: async () => false }), removed };
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

describe('post service when the viewer\'s account is deleted', () => {
  type PostService = ReturnType<typeof createPostService>;
  const writes: [string, (service: PostService) => Promise<unknown>][] = [
    ['createPost', (service) => service.create(viewer, 'hello')],
    ['updatePost', (service) => service.update(viewer, POST_ID, 'edited')],
    ['deletePost', (service) => service.delete(viewer, POST_ID)],
    ['addComment', (service) => service.addComment(viewer, POST_ID, 'hi')],
    ['likePost', (service) => service.like(viewer, POST_ID)],
    ['unlikePost', (service) => service.unlike(viewer, POST_ID)],
  ];

  test.each(writes)('when it calls %s, then the answer is UNAUTHENTICATED and no repository is called', async (_name, write) => {
    const calls: string[] = [];
    // Repositories that note every call: a refused write makes none.
    const recording = <T>() => new Proxy({}, { get: (_target, name) => async () => void calls.push(String(name)) }) as T;
    const deletedAccounts = { isDeleted: async (userId: string) => userId === viewer.id };
    const service = createPostService(recording<PostRepository>(), recording<CommentRepository>(), recording<LikeRepository>(), deletedAccounts);
    await expect(write(service)).rejects.toMatchObject({ message: 'The account of this token has been deleted', extensions: { code: 'UNAUTHENTICATED' } });
    expect(calls).toEqual([]);
  });
});
