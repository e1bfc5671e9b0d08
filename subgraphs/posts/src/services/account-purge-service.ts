import type { AccountEvent } from '@chirp/auth-subgraph/events';
import type { DeletedAccounts } from '@chirp/subgraph-kit';
import type { PostEvent } from '../events';
import type { CommentRepository } from '../repositories/comment-repository';
import type { FollowGraphRepository } from '../repositories/follow-graph-repository';
import type { LikeRepository } from '../repositories/like-repository';
import type { PostRepository } from '../repositories/post-repository';
import type { TimelineRepository } from '../repositories/timeline-repository';

/** Accounts purged together; a rebuild may find many gone at once. */
const ACCOUNT_BATCH = 100;
/** Posts, likes or comments taken per step of a purge, so that a prolific account is removed in bounded steps. */
const PAGE = 500;

export interface AccountPurgeRepositories {
  posts: PostRepository;
  comments: CommentRepository;
  likes: LikeRepository;
  timelines: TimelineRepository;
  followGraph: FollowGraphRepository;
  deletedAccounts: DeletedAccounts;
}

/** Likes or comments: what an account leaves on others' posts, each counted by a counter of the post. */
interface CountedOnPosts {
  postsOf(accountIds: readonly string[], limit: number): Promise<string[]>;
  countByPosts(postIds: readonly string[], exceptAccountIds: readonly string[]): Promise<Map<string, number>>;
  deleteOf(accountIds: readonly string[], postIds: readonly string[]): Promise<void>;
}

export type AccountPurgeService = ReturnType<typeof createAccountPurgeService>;

/**
 * What the posts subgraph does when an account is deleted (auth's account stream): it notes the deletion
 * (a tombstone, which writes and the other streams then check), then removes everything of the account.
 * The timeline worker applies it between its other batches. Every step is idempotent, since a batch
 * may be applied twice after a crash: a replay finds less to remove, and recounts to the same numbers.
 */
export function createAccountPurgeService({ posts, comments, likes, timelines, followGraph, deletedAccounts }: AccountPurgeRepositories) {
  /**
   * Removes posts with what hangs on them. Their comments, likes and timeline entries go before the posts
   * (a replay after a crash finds no post left to find them by) and again after (what was attached
   * meanwhile must not outlive its post).
   */
  async function removePosts(postIds: readonly string[]): Promise<void> {
    const sweep = () => Promise.all([comments.deleteByPosts(postIds), likes.deleteByPosts(postIds), timelines.removePosts(postIds)]);
    await sweep();
    await posts.deleteByIds(postIds);
    await sweep();
  }

  /**
   * Takes the accounts' likes or comments off others' posts. Each post's counter is recounted without
   * them before they go: a replay after a crash finds them still there and recounts to the same number.
   */
  async function withdraw(accountIds: readonly string[], source: CountedOnPosts, counter: 'likeCount' | 'commentCount'): Promise<void> {
    for (;;) {
      const postIds = await source.postsOf(accountIds, PAGE);
      if (postIds.length === 0) return;
      await posts.setCounts(counter, await source.countByPosts(postIds, accountIds));
      await source.deleteOf(accountIds, postIds);
    }
  }

  async function purge(accountIds: readonly string[]): Promise<void> {
    if (accountIds.length === 0) return;
    for (;;) {
      const postIds = await posts.idsByAuthors(accountIds, PAGE);
      if (postIds.length === 0) break;
      await removePosts(postIds);
    }
    await withdraw(accountIds, likes, 'likeCount');
    await withdraw(accountIds, comments, 'commentCount');
    await timelines.removeOwners(accountIds);
    await followGraph.removeAccounts(accountIds);
  }

  /** Notes the deletions first, so that nothing of the accounts is written again once removal has begun. */
  async function purgeDeleted(deletions: readonly { userId: string; at: Date }[]): Promise<void> {
    for (let start = 0; start < deletions.length; start += ACCOUNT_BATCH) {
      const batch = deletions.slice(start, start + ACCOUNT_BATCH);
      const byTime = new Map<number, string[]>();
      for (const { userId, at } of batch) byTime.set(at.getTime(), [...(byTime.get(at.getTime()) ?? []), userId]);
      for (const [time, userIds] of byTime) await deletedAccounts.record(userIds, new Date(time));
      await purge([...new Set(batch.map(({ userId }) => userId))]);
    }
  }

  return {
    /** A batch of the account stream: deletions are applied; registrations concern nothing here. */
    async applyAccountEvents(events: AccountEvent[]): Promise<void> {
      await purgeDeleted(events.filter((event) => event.type === 'deleted'));
    },

    /**
     * A batch of the posts stream, once the timelines have applied it. A post of an account already deleted
     * was written while the deletion was being applied (its request passed the check just before the
     * tombstone), and was fanned out like any other: asking first would put a round trip before every
     * fan-out, and feeds would fill later. Purging its author again takes it back out, with the timeline
     * entries and the author's timeline document the fan-out wrote.
     */
    async applyPostEvents(events: PostEvent[]): Promise<void> {
      const authors = events.flatMap((event) => (event.type === 'created' ? [event.authorId] : []));
      await purge([...(await deletedAccounts.deletedAmong(authors))]);
    },

    /**
     * Rebuilding: purges every account that this subgraph holds data of and the auth subgraph no longer
     * has (`accountSnapshot`, its present accounts), as if its deletion had been seen. The accounts held
     * here are listed before the snapshot is read, so that one registered meanwhile cannot be taken for
     * gone; only their ids are kept in memory.
     */
    async reconcile(accountSnapshot: AsyncIterable<AccountEvent[]>): Promise<void> {
      const held = new Set([
        ...(await posts.authors()),
        ...(await comments.accounts()),
        ...(await likes.accounts()),
        ...(await timelines.owners()),
        ...(await followGraph.accounts()),
      ]);
      let listed = 0;
      for await (const accounts of accountSnapshot) {
        listed += accounts.length;
        for (const { userId } of accounts) held.delete(userId);
      }
      // No account at all beside data here is a database misnamed (AUTH_DB_NAME), not everyone gone: purging would be irreparable.
      if (listed === 0 && held.size > 0) throw new Error('the auth database lists no accounts while posts holds data of some; is AUTH_DB_NAME right? Nothing was purged');
      const seenAt = new Date();
      await purgeDeleted([...held].map((userId) => ({ userId, at: seenAt })));
    },
  };
}
