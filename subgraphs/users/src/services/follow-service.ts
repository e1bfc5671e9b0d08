import { type Viewer, badUserInput, notFound, unauthenticated, parseId, type UserDirectory } from '@chirp/platform';
import type { FollowRepository } from '../repositories/follow-repository';
import type { UserRef } from '../types';

export type FollowService = ReturnType<typeof createFollowService>;

export interface FollowLimits {
  /** How many accounts one user may follow. */
  maxFollowing: number;
}

export function createFollowService(follows: FollowRepository, directory: UserDirectory, { maxFollowing }: FollowLimits) {
  /** Checks who may follow whom before anything is written. */
  async function target(viewer: Viewer | null, userId: string, requestId: string): Promise<{ viewerId: string; targetId: string }> {
    if (!viewer) throw unauthenticated();
    const targetId = parseId(userId, 'userId');
    if (targetId === viewer.id) throw badUserInput('You cannot follow yourself', 'userId');
    if (!(await directory.exists(targetId, requestId))) throw notFound('User not found');
    return { viewerId: viewer.id, targetId };
  }

  return {
    /** Following someone already followed succeeds, even at the cap: it takes no new slot. */
    async follow(viewer: Viewer | null, userId: string, requestId: string): Promise<UserRef> {
      const { viewerId, targetId } = await target(viewer, userId, requestId);
      if ((await follows.follow(viewerId, targetId, maxFollowing)) === 'limit-reached') {
        throw badUserInput(`You can follow at most ${maxFollowing.toLocaleString('en-US')} accounts; unfollow one to follow another`);
      }
      return { id: targetId };
    },

    async unfollow(viewer: Viewer | null, userId: string, requestId: string): Promise<UserRef> {
      const { viewerId, targetId } = await target(viewer, userId, requestId);
      await follows.unfollow(viewerId, targetId);
      return { id: targetId };
    },

    /**
     * Whom each of `userIds` follows, whole, for the posts subgraph's `feed` (its @requires). A feed is
     * its owner's alone, so only the viewer's own list is read and anyone else's is empty: otherwise any
     * caller of this subgraph could take a whole follow list in one `_entities` call, past the paging
     * and cost limits of `following`, and the gateway would fetch it for every refused `user(id) { feed }`.
     * Empty rather than an error, so that the posts subgraph's own FORBIDDEN or UNAUTHENTICATED stays
     * what a client sees.
     */
    async followingIds(viewer: Viewer | null, userIds: readonly string[]): Promise<string[][]> {
      const [own = []] = viewer && userIds.includes(viewer.id) ? await follows.followingIds([viewer.id]) : [];
      return userIds.map((id) => (id === viewer?.id ? own : []));
    },
  };
}
