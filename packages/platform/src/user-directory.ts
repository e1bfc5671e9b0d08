import { fetchEntities, type EntityOwner } from './entities';

/**
 * An account seen to exist is not asked about again for this long. A deletion
 * within it is caught by the asker's own record of deleted accounts, which the
 * deletion event writes (the users subgraph's follow checks it too).
 */
const KNOWN_ACCOUNT_TTL_MS = 10 * 60_000;
const MAX_KNOWN_ACCOUNTS = 10_000;

/**
 * Asks the auth subgraph, the owner of users, whether a user exists (the users
 * subgraph, before following someone). Known accounts are remembered and an
 * answer of "no such account" is never kept; concurrent questions about one
 * account share one call, so a burst of follows of one user asks auth once.
 */
export function createUserDirectory(auth: EntityOwner) {
  const knownAccounts = new Map<string, number>();
  const pending = new Map<string, Promise<boolean>>();

  const ask = async (userId: string, requestId: string) =>
    (await fetchEntities<{ id: string }>(auth, 'User', [userId], 'id', requestId))[0] != null;

  return {
    async exists(userId: string, requestId: string): Promise<boolean> {
      const seenAt = knownAccounts.get(userId);
      if (seenAt !== undefined && Date.now() - seenAt < KNOWN_ACCOUNT_TTL_MS) return true;
      let answer = pending.get(userId);
      if (!answer) {
        answer = ask(userId, requestId).finally(() => pending.delete(userId));
        pending.set(userId, answer);
      }
      const exists = await answer;
      if (exists) {
        if (knownAccounts.size >= MAX_KNOWN_ACCOUNTS) knownAccounts.clear();
        knownAccounts.set(userId, Date.now());
      }
      return exists;
    },
  };
}

export type UserDirectory = ReturnType<typeof createUserDirectory>;
