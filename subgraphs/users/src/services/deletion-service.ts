import { randomUUID } from 'node:crypto';
import type { AccountEvent } from '@chirp/auth-subgraph/events';
import type { PostEvent } from '@chirp/posts-subgraph/events';
import type { DeletedAccounts } from '@chirp/subgraph-kit';
import type { BookmarkRepository } from '../repositories/bookmark-repository';
import type { FollowRepository } from '../repositories/follow-repository';
import type { PostDirectory } from './post-directory';

/** Accounts whose data is removed in one step of a rebuild. */
const ACCOUNT_BATCH = 500;
/** Bookmarked posts asked about in one `_entities` call to the posts subgraph. */
const POST_BATCH = 100;

export type DeletionService = ReturnType<typeof createDeletionService>;

/**
 * What the users subgraph does when an account or a post is deleted elsewhere (the deletions worker
 * applies auth's account stream and posts' post stream): nothing of a deleted account stays here (its
 * follows both ways, its counters, its bookmarks), nor any bookmark of a deleted post. Every effect is
 * idempotent, since a batch may be applied twice after a crash.
 */
export function createDeletionService(follows: FollowRepository, bookmarks: BookmarkRepository, deletedAccounts: DeletedAccounts, posts: PostDirectory) {
  /** The tombstones go first: from then on no request writes anything of these accounts (account-checks.ts). */
  async function removeAccounts(deletions: { userId: string; at: Date }[]): Promise<void> {
    for (const { userId, at } of deletions) await deletedAccounts.record([userId], at);
    const userIds = deletions.map(({ userId }) => userId);
    await follows.removeAccounts(userIds);
    await bookmarks.removeByUsers(userIds);
  }

  return {
    /** A batch of the account stream: deletions are applied; registrations bring nothing to remove. */
    async applyAccountEvents(events: AccountEvent[]): Promise<void> {
      await removeAccounts(events.filter((event) => event.type === 'deleted'));
    },

    /** A batch of the post stream: a deleted post leaves every bookmark list. */
    async applyPostEvents(events: PostEvent[]): Promise<void> {
      await bookmarks.removeByPosts(events.flatMap((event) => (event.type === 'deleted' ? [event.postId] : [])));
    },

    /**
     * Removes the data of every account not in `accountSnapshot` (auth's accounts now), and the bookmarks of
     * posts that no longer exist, asking the posts subgraph in batches. The accounts held here are listed
     * before the snapshot is read, so that one registered meanwhile is never taken for a deleted one.
     */
    async rebuild(accountSnapshot: AsyncIterable<AccountEvent[]>): Promise<void> {
      const held = new Set<string>();
      for (const source of [follows.accountIds(ACCOUNT_BATCH), bookmarks.userIds(ACCOUNT_BATCH)]) {
        for await (const userIds of source) for (const userId of userIds) held.add(userId);
      }
      for await (const accounts of accountSnapshot) for (const { userId } of accounts) held.delete(userId);
      const gone = [...held];
      const now = new Date();
      for (let start = 0; start < gone.length; start += ACCOUNT_BATCH) {
        await removeAccounts(gone.slice(start, start + ACCOUNT_BATCH).map((userId) => ({ userId, at: now })));
      }

      const requestId = `deletions-rebuild-${randomUUID()}`;
      for await (const postIds of bookmarks.postIds(POST_BATCH)) {
        const existing = await posts.existing(postIds, requestId);
        await bookmarks.removeByPosts(postIds.filter((postId) => !existing.has(postId)));
      }
    },
  };
}
