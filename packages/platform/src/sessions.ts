import { invalidToken, refusingRequest, serviceUnavailable } from './errors';
import { fetchEntities, type EntityOwner } from './entities';
import type { Viewer } from './auth';

/** The mutations that end sessions: a process that runs one forgets what it knew of the account's sessions. */
export const SESSION_ENDING_MUTATIONS = ['logout', 'changePassword', 'deleteAccount'] as const;

/** Whose the session is while it is open; null once it has ended (signed out, expired, account deleted). */
export type SessionLookup = (sessionId: string, requestId: string) => Promise<string | null>;

/** Ended sessions never reopen, so those are remembered up to this many; open ones for the bound only. */
const MAX_REMEMBERED = 10_000;

/**
 * Refuses a token whose session has ended. Every process that verifies tokens
 * asks this, so a signed-out token is refused everywhere, not only where it
 * was signed out of; an answer that a session is open is reused for at most
 * `maxAgeMs` (SESSION_CHECK_SECONDS): the bound within which a sign-out takes
 * effect. Concurrent questions about one session share one look-up.
 */
export function createSessionCheck(lookup: SessionLookup, maxAgeMs: number) {
  const openSince = new Map<string, { userId: string; checkedAt: number }>();
  const ended = new Set<string>();
  const pending = new Map<string, Promise<string | null>>();

  async function ownerOf(sessionId: string, requestId: string): Promise<string | null> {
    const open = openSince.get(sessionId);
    if (open && Date.now() - open.checkedAt < maxAgeMs) return open.userId;
    if (ended.has(sessionId)) return null;
    let answer = pending.get(sessionId);
    if (!answer) {
      answer = lookup(sessionId, requestId).finally(() => pending.delete(sessionId));
      pending.set(sessionId, answer);
    }
    const checkedAt = Date.now();
    const userId = await answer;
    if (userId === null) {
      openSince.delete(sessionId);
      if (ended.size >= MAX_REMEMBERED) ended.clear();
      ended.add(sessionId);
    } else if (maxAgeMs > 0) {
      if (openSince.size >= MAX_REMEMBERED) openSince.clear();
      openSince.set(sessionId, { userId, checkedAt });
    }
    return userId;
  }

  return {
    /**
     * Drops the open answers about the account's sessions, so that the next request of each asks again:
     * after a sign-out this process has seen, it refuses the ended sessions at once, not within the bound.
     */
    forgetAccount(userId: string): void {
      for (const [sessionId, open] of openSince) if (open.userId === userId) openSince.delete(sessionId);
    },

    /** UNAUTHENTICATED (a 401) when the viewer's session has ended or is someone else's. */
    async assertOpen(viewer: Viewer, requestId: string): Promise<void> {
      let owner: string | null;
      try {
        owner = await ownerOf(viewer.sessionId, requestId);
      } catch (error) {
        throw refusingRequest(serviceUnavailable('The auth service is unavailable', { serviceName: 'auth' }, error));
      }
      if (owner !== viewer.id) throw invalidToken('This session has ended: sign in again');
    },
  };
}

export type SessionCheck = ReturnType<typeof createSessionCheck>;

/** Asks the auth subgraph, which owns sessions, over its `_entities` (the `Session` entity, hidden from the public graph). */
export function remoteSessionLookup(auth: EntityOwner): SessionLookup {
  return async (sessionId, requestId) => {
    const [session] = await fetchEntities<{ userId: string }>(auth, 'Session', [sessionId], 'userId', requestId);
    return session?.userId ?? null;
  };
}
