import { badUserInput, isObjectId, notFound, type PageRequest, type UserDirectory, type Viewer } from '@chirp/platform';
import { requireViewer } from '@chirp/subgraph-kit';
import type { Loaders } from '../context';
import type { FollowEdge, FollowRepository, UserStats } from '../repositories/follow-repository';
import type { UserRef } from '../types';
import type { AccountChecks } from './account-checks';
import { validateFollowTarget } from './validation';

export type FollowService = ReturnType<typeof createFollowService>;

export interface FollowLimits {
  /** How many accounts one user may follow. */
  maxFollowing: number;
}

/**
 * Every id may have a social graph (possibly empty): whether the user exists is the auth subgraph's
 * answer, so reads about an id that is not one are empty rather than errors.
 */
export function createFollowService(follows: FollowRepository, directory: UserDirectory, accounts: AccountChecks, { maxFollowing }: FollowLimits) {
  /** Checks who may follow whom before anything is written. */
  async function target(viewer: Viewer | null, userId: string, requestId: string): Promise<{ viewerId: string; targetId: string }> {
    const { id: viewerId } = requireViewer(viewer);
    const targetId = validateFollowTarget(viewerId, userId);
    await accounts.refuseDeleted(viewerId, targetId);
    if (!(await directory.exists(targetId, requestId))) throw notFound('User not found');
    return { viewerId, targetId };
  }

  return {
    /** Following someone already followed succeeds, even at the cap: it takes no new slot. */
    async follow(viewer: Viewer | null, userId: string, requestId: string): Promise<UserRef> {
      const { viewerId, targetId } = await target(viewer, userId, requestId);
      const outcome = await follows.follow(viewerId, targetId, maxFollowing);
      if (outcome === 'limit-reached') {
        throw badUserInput(`You can follow at most ${maxFollowing.toLocaleString('en-US')} accounts; unfollow one to follow another`);
      }
      // Checked again once written: the removal that follows an account's deletion may have run between
      // the check above and this write, and missed this edge. Then it runs again, which sets every counter right.
      if (outcome === 'followed') await accounts.refuseDeleted(viewerId, targetId, follows.removeAccounts);
      return { id: targetId };
    },

    async unfollow(viewer: Viewer | null, userId: string, requestId: string): Promise<UserRef> {
      const { viewerId, targetId } = await target(viewer, userId, requestId);
      await follows.unfollow(viewerId, targetId);
      return { id: targetId };
    },

    async stats(userId: string, loaders: Loaders): Promise<UserStats> {
      return isObjectId(userId) ? loaders.stats.load(userId) : { id: userId, followersCount: 0, followingCount: 0 };
    },

    /** False when anonymous. */
    async followedByViewer(userId: string, loaders: Loaders): Promise<boolean> {
      return loaders.followedByViewer && isObjectId(userId) ? loaders.followedByViewer.load(userId) : false;
    },

    async followers(userId: string, page: PageRequest): Promise<FollowEdge[]> {
      return isObjectId(userId) ? follows.followers(userId, page) : [];
    },

    async following(userId: string, page: PageRequest): Promise<FollowEdge[]> {
      return isObjectId(userId) ? follows.following(userId, page) : [];
    },
  };
}
