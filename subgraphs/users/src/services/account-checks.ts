import { notFound } from '@chirp/platform';
import { accountDeleted, type DeletedAccounts } from '@chirp/subgraph-kit';

export type AccountChecks = ReturnType<typeof createAccountChecks>;

/**
 * Refuses writes by or about a deleted account, from this subgraph's own record of deletions (which the
 * deletions worker writes from auth's account stream before it removes the account's data): a token may
 * outlive its account for a while, and the user directory remembers for 10 minutes that an account exists.
 */
export function createAccountChecks(deletedAccounts: DeletedAccounts) {
  return {
    /**
     * UNAUTHENTICATED when the viewer's account is deleted, NOT_FOUND when the target's is. `undo` runs
     * first, with the deleted ids, where something was written already: a deletion whose removal ran
     * while it was being written has missed it.
     */
    async refuseDeleted(viewerId: string, targetId: string | null, undo?: (deletedIds: string[]) => Promise<void>): Promise<void> {
      const deleted = await deletedAccounts.deletedAmong(targetId ? [viewerId, targetId] : [viewerId]);
      if (deleted.size === 0) return;
      await undo?.([...deleted]);
      throw deleted.has(viewerId) ? accountDeleted() : notFound('User not found');
    },
  };
}
