import { describe, expect, test } from '@jest/globals';
import type { UserDirectory, Viewer } from '@chirp/platform';
import type { DeletedAccounts } from '@chirp/subgraph-kit';
import type { BookmarkRepository } from '../src/repositories/bookmark-repository';
import type { FollowRepository } from '../src/repositories/follow-repository';
import { createAccountChecks } from '../src/services/account-checks';
import { createBookmarkService } from '../src/services/bookmark-service';
import { createFollowService } from '../src/services/follow-service';
import type { PostDirectory } from '../src/services/post-directory';

const VIEWER_ID = 'fedcba9876543210fedcba98';
const TARGET_ID = '0123456789abcdef01234567';
const POST_ID = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const viewer = { id: VIEWER_ID } as Viewer;

/**
 * A deletion whose removal ran between a write's checks and the write itself has missed what was
 * written: the write checks again once done, and takes back what it wrote. Here the deletion is
 * recorded at the moment the write happens (the second look at the tombstones finds it).
 */
function deletedOnSecondLook(deletedId: string) {
  let looks = 0;
  const deletedAccounts = {
    deletedAmong: async (ids: readonly string[]) => {
      looks += 1;
      return new Set(looks > 1 ? ids.filter((id) => id === deletedId) : []);
    },
  } as unknown as DeletedAccounts;
  return createAccountChecks(deletedAccounts);
}

const noneDeleted = createAccountChecks({ deletedAmong: async () => new Set() } as unknown as DeletedAccounts);

function followService(accounts: ReturnType<typeof createAccountChecks>) {
  const removed: string[] = [];
  const follows = {
    follow: async () => 'followed',
    removeAccounts: async (ids: string[]) => void removed.push(...ids),
  } as unknown as FollowRepository;
  const directory = { exists: async () => true } as unknown as UserDirectory;
  return { service: createFollowService(follows, directory, accounts, { maxFollowing: 10 }), removed };
}

function bookmarkService(accounts: ReturnType<typeof createAccountChecks>, { postExists = [true], added = true } = {}) {
  const taken: string[] = [];
  let asked = 0;
  const bookmarks = {
    add: async () => added,
    remove: async (userId: string, postId: string) => void taken.push(`${userId} ${postId}`),
  } as unknown as BookmarkRepository;
  const posts = { exists: async () => postExists[Math.min(asked++, postExists.length - 1)] } as unknown as PostDirectory;
  return { service: createBookmarkService(bookmarks, posts, accounts), taken };
}

describe('follow when an account is deleted while it is written', () => {
  test('when the followed account is deleted, then its removal runs again and the answer is NOT_FOUND', async () => {
    const { service, removed } = followService(deletedOnSecondLook(TARGET_ID));
    await expect(service.follow(viewer, TARGET_ID, 'request')).rejects.toMatchObject({ message: 'User not found', extensions: { code: 'NOT_FOUND' } });
    expect(removed).toEqual([TARGET_ID]);
  });

  test("when the follower's account is deleted, then its removal runs again and the answer is UNAUTHENTICATED", async () => {
    const { service, removed } = followService(deletedOnSecondLook(VIEWER_ID));
    await expect(service.follow(viewer, TARGET_ID, 'request')).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(removed).toEqual([VIEWER_ID]);
  });

  test('when neither is deleted, then nothing is removed', async () => {
    const { service, removed } = followService(noneDeleted);
    await expect(service.follow(viewer, TARGET_ID, 'request')).resolves.toEqual({ id: TARGET_ID });
    expect(removed).toEqual([]);
  });
});

describe('bookmarkPost when the post or the account is deleted while it is written', () => {
  test('when the post is deleted, then the bookmark is taken back and the answer is NOT_FOUND', async () => {
    const { service, taken } = bookmarkService(noneDeleted, { postExists: [true, false] });
    await expect(service.bookmark(viewer, POST_ID, 'request')).rejects.toMatchObject({ message: 'Post not found', extensions: { code: 'NOT_FOUND' } });
    expect(taken).toEqual([`${VIEWER_ID} ${POST_ID}`]);
  });

  test("when the viewer's account is deleted, then the bookmark is taken back and the answer is UNAUTHENTICATED", async () => {
    const { service, taken } = bookmarkService(deletedOnSecondLook(VIEWER_ID));
    await expect(service.bookmark(viewer, POST_ID, 'request')).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(taken).toEqual([`${VIEWER_ID} ${POST_ID}`]);
  });

  test('when the post was bookmarked already, then nothing is checked again nor taken back', async () => {
    const { service, taken } = bookmarkService(deletedOnSecondLook(VIEWER_ID), { postExists: [true, false], added: false });
    await expect(service.bookmark(viewer, POST_ID, 'request')).resolves.toEqual({ id: POST_ID });
    expect(taken).toEqual([]);
  });
});
