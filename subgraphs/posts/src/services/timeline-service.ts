import { randomUUID } from 'node:crypto';
import type { FollowEvent } from '@chirp/users-subgraph/events';
import { forbidden, type CursorPosition, type PageRequest, type Viewer } from '@chirp/platform';
import { requireViewer, type DeletedAccounts } from '@chirp/subgraph-kit';
import type { Loaders } from '../context';
import type { PostEvent } from '../events';
import type { Edge, FollowGraphRepository } from '../repositories/follow-graph-repository';
import type { PostRecord, PostRepository } from '../repositories/post-repository';
import { isNewer, type TimelineItem, type TimelineRepository } from '../repositories/timeline-repository';

/** A home timeline keeps at most this many entries; older posts are read from their authors (see `feed`). */
export const TIMELINE_LENGTH = 800;
/** A timeline grown past TIMELINE_LENGTH is cut back to this, so that a fan-out trims once in 50 posts, not at each. */
const TRIMMED_LENGTH = 750;
/** Followers written to per bulk write in a fan-out. */
const FAN_OUT_BATCH = 1000;

export interface TimelineSettings {
  /** Authors with more followers than this are not fanned out: their posts are merged into feeds when read. */
  highFollowerThreshold: number;
}

export type TimelineService = ReturnType<typeof createTimelineService>;

const itemOf = (post: PostRecord): TimelineItem => ({ postId: post.id, authorId: post.authorId, createdAt: post.createdAt });
const positionOf = (post: PostRecord): CursorPosition => ({ createdAt: post.createdAt, id: post.id });
const newestFirst = (a: PostRecord, b: PostRecord) => (isNewer(a, b) ? -1 : isNewer(b, a) ? 1 : 0);

/**
 * Home timelines, written on fan-out (docs/ARCHITECTURE.md, "Home timelines"): the timeline worker applies
 * the posts and follow streams with `applyPostEvents` and `applyFollowEvents`, one batch at a time;
 * `feed` reads them. Every effect is idempotent, since a batch may be applied twice after a crash.
 */
export function createTimelineService(
  posts: PostRepository,
  timelines: TimelineRepository,
  graph: FollowGraphRepository,
  deletedAccounts: Pick<DeletedAccounts, 'deletedAmong'>,
  { highFollowerThreshold }: TimelineSettings,
) {
  /**
   * Of `edges`, those between two accounts not deleted: the follow stream may bring an edge of an account
   * after the account stream brought its deletion (their order is not kept across streams).
   */
  async function betweenAccounts<TEdge extends Edge>(edges: readonly TEdge[]): Promise<TEdge[]> {
    const deleted = await deletedAccounts.deletedAmong(edges.flatMap((edge) => [edge.followerId, edge.followeeId]));
    return edges.filter((edge) => !deleted.has(edge.followerId) && !deleted.has(edge.followeeId));
  }

  async function addTrimming(entries: { ownerId: string; item: TimelineItem }[]): Promise<void> {
    const gained = await timelines.add(entries);
    if (gained.size === 0) return;
    for (const ownerId of await timelines.overfull([...gained.keys()], TIMELINE_LENGTH)) await timelines.trim(ownerId, TRIMMED_LENGTH);
  }

  /**
   * Of `authorIds`, those whose posts are merged into feeds when read: marked already, or found now with
   * more followers than the threshold (and marked from then on). Counting stops past the threshold.
   */
  async function mergedAtRead(authorIds: readonly string[]): Promise<Set<string>> {
    const highFollower = await graph.highFollowerAuthorsAmong(authorIds);
    for (const authorId of authorIds) {
      if (highFollower.has(authorId)) continue;
      if ((await graph.countFollowers(authorId, highFollowerThreshold + 1)) > highFollowerThreshold) {
        await graph.markHighFollowerAuthor(authorId);
        highFollower.add(authorId);
      }
    }
    return highFollower;
  }

  /**
   * Posts go into their authors' own timelines and into each follower's, unless the author has more
   * followers than the threshold: then they are merged into feeds when read, from now on.
   */
  async function fanOut(items: readonly TimelineItem[]): Promise<void> {
    if (items.length === 0) return;
    await addTrimming(items.map((item) => ({ ownerId: item.authorId, item })));
    const authors = [...new Set(items.map((item) => item.authorId))];
    const highFollower = await mergedAtRead(authors);
    for (const authorId of authors) {
      if (highFollower.has(authorId)) continue;
      const theirs = items.filter((item) => item.authorId === authorId);
      let after: string | null = null;
      for (;;) {
        const followers = await graph.followersAfter(authorId, after, FAN_OUT_BATCH);
        await addTrimming(followers.flatMap((ownerId) => theirs.map((item) => ({ ownerId, item }))));
        if (followers.length < FAN_OUT_BATCH) break;
        after = followers.at(-1)!;
      }
    }
  }

  /**
   * A follow copies the followed account's newest posts into the follower's timeline. If it has more,
   * the older ones are read from the account when the feed gets that far (`trimmedThrough`).
   */
  async function copyPosts(edges: readonly Edge[]): Promise<void> {
    if (edges.length === 0) return;
    const authors = await posts.authors([...new Set(edges.map((edge) => edge.followeeId))]);
    // A high-follower author's posts reach a new follower by the read-time merge: copying them is waste.
    const highFollower = await mergedAtRead(authors);
    for (const authorId of authors.filter((id) => !highFollower.has(id))) {
      const newest = await posts.pageByAuthors([authorId], { first: TIMELINE_LENGTH, after: null });
      const copied = newest.slice(0, TIMELINE_LENGTH);
      const owners = edges.filter((edge) => edge.followeeId === authorId).map((edge) => edge.followerId);
      await addTrimming(owners.flatMap((ownerId) => copied.map((post) => ({ ownerId, item: itemOf(post) }))));
      if (newest.length > TIMELINE_LENGTH) {
        for (const ownerId of owners) await timelines.markIncompleteThrough(ownerId, positionOf(copied.at(-1)!));
      }
    }
  }

  /**
   * Up to `limit` posts from the owner's timeline after `after`; where its entries stop (`lastEntry`);
   * and whether they ran out before `limit` posts were found.
   */
  async function fromTimeline(ownerId: string, after: CursorPosition | null, limit: number, loaders: Loaders) {
    const found: PostRecord[] = [];
    let position = after;
    for (;;) {
      const wanted = limit - found.length;
      const entries = await timelines.page(ownerId, position, wanted);
      for (const post of await loaders.postById.loadMany(entries.map((entry) => entry.postId))) {
        if (post instanceof Error) throw post;
        // A post deleted a moment ago keeps its entries until the worker removes them: read past it.
        if (post) found.push(post);
      }
      const last = entries.at(-1);
      if (last) position = { createdAt: last.createdAt, id: last.postId };
      if (entries.length < wanted) return { found, lastEntry: position, exhausted: true };
      if (found.length >= limit) return { found, lastEntry: position, exhausted: false };
    }
  }

  return {
    /** A batch of the posts stream: creations are fanned out together, then deletions are applied. */
    async applyPostEvents(events: PostEvent[]): Promise<void> {
      const created = events.flatMap((event) => (event.type === 'created' ? [{ postId: event.postId, authorId: event.authorId, createdAt: event.createdAt }] : []));
      await fanOut(created);
      // A post deleted in the same batch as it was made is removed after its fan-out, as in the stream's order.
      await timelines.removePosts(events.flatMap((event) => (event.type === 'deleted' ? [event.postId] : [])));
    },

    /**
     * A batch of the follow stream. Following and unfollowing set an edge's state, so only the last event
     * of each edge in the batch counts: the same end as applying each in turn, in a few bulk writes.
     */
    async applyFollowEvents(events: FollowEvent[]): Promise<void> {
      const last = new Map(events.map((event) => [`${event.followerId}:${event.followeeId}`, event]));
      const follows = await betweenAccounts([...last.values()].filter((event) => event.type === 'follow'));
      const unfollows = [...last.values()].filter((event) => event.type === 'unfollow');
      await graph.remove(unfollows);
      await timelines.removeAuthors(unfollows.map((event) => ({ ownerId: event.followerId, authorId: event.followeeId })));
      await graph.add(follows);
      await copyPosts(follows);
    },

    /**
     * Rebuilds the follow projection from `followSnapshot` (the users subgraph's present edges, less those
     * of deleted accounts), then the high-follower authors and every timeline from the posts themselves.
     */
    async rebuild(followSnapshot: AsyncIterable<FollowEvent[]>): Promise<void> {
      const stamp = randomUUID();
      for await (const edges of followSnapshot) await graph.stamp(await betweenAccounts(edges), stamp);
      await graph.sweepUnstamped(stamp);
      const highFollower = new Set(await graph.recomputeHighFollowerAuthors(highFollowerThreshold));
      const owners = new Set([...(await graph.followers()), ...(await posts.authors()), ...(await timelines.owners())]);
      for (const ownerId of owners) {
        const followees = (await graph.followees(ownerId)).filter((id) => !highFollower.has(id));
        const newest = await posts.pageByAuthors([ownerId, ...followees], { first: TIMELINE_LENGTH, after: null });
        const kept = newest.slice(0, TIMELINE_LENGTH);
        await timelines.replace(ownerId, kept.map(itemOf), newest.length > TIMELINE_LENGTH ? positionOf(kept.at(-1)!) : null);
      }
    },

    /**
     * The home feed, newest first: the owner's timeline, merged with the recent posts of the
     * high-follower authors they follow and with their own posts (which show before the worker has
     * written them anywhere). Where the timeline may be incomplete (past `trimmedThrough`), the page is
     * read from the posts of everyone followed instead, so that a feed never ends early. The first pages
     * cost the same few queries whatever the number of follows.
     */
    async feed(viewer: Viewer | null, userId: string, page: PageRequest, loaders: Loaders): Promise<PostRecord[]> {
      const owner = requireViewer(viewer);
      if (owner.id !== userId) throw forbidden('Only its owner can read a feed');
      const limit = page.first + 1;
      const [timeline, state, own, highFollowerAuthors] = await Promise.all([
        fromTimeline(owner.id, page.after, limit, loaders),
        timelines.state(owner.id),
        posts.pageByAuthors([owner.id], page),
        graph.followedHighFollowerAuthors(owner.id),
      ]);
      const sources = [timeline.found, own];
      if (highFollowerAuthors.length > 0) sources.push(await posts.pageByAuthors(highFollowerAuthors, page));
      const { trimmedThrough } = state;
      const reachesIncomplete = trimmedThrough && (timeline.exhausted || !timeline.lastEntry || !isNewer(timeline.lastEntry, trimmedThrough));
      if (reachesIncomplete) sources.push(await posts.pageByAuthors([owner.id, ...(await graph.followees(owner.id))], page));
      const byId = new Map(sources.flat().map((post) => [post.id, post]));
      return [...byId.values()].sort(newestFirst).slice(0, limit);
    },
  };
}
