import { serviceUnavailable } from './errors';
import { REQUEST_ID_HEADER } from './observability';
import { SERVICE_CREDENTIAL_HEADER, type CredentialSigner } from './service-credential';

const ENTITY_QUERY = 'query UserExists($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { id } } }';
const TIMEOUT_MS = 4000;
/**
 * An account seen to exist is not asked about again for this long: accounts
 * cannot be deleted through the API yet (when they can, the deletion event
 * will reach every service). An answer of "no such account" is never kept.
 */
const KNOWN_ACCOUNT_TTL_MS = 10 * 60_000;
const MAX_KNOWN_ACCOUNTS = 10_000;

/**
 * Asks the auth subgraph, the owner of users, whether a user exists: over its
 * `_entities` endpoint, never by reading its database. Used by the users
 * subgraph (follow someone who exists) and the gateway (a token's user exists).
 * Known accounts are remembered, and concurrent questions about one account
 * share one call, so a burst of follows of one user asks auth once.
 */
export function createUserDirectory(authUrl: string, signCredential: CredentialSigner | null) {
  const knownAccounts = new Map<string, number>();
  const pending = new Map<string, Promise<boolean>>();

  async function ask(userId: string, requestId: string): Promise<boolean> {
    let response: Response;
    try {
      response = await fetch(authUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [REQUEST_ID_HEADER]: requestId,
          ...(signCredential ? { [SERVICE_CREDENTIAL_HEADER]: signCredential(null) } : {}),
        },
        body: JSON.stringify({ query: ENTITY_QUERY, variables: { representations: [{ __typename: 'User', id: userId }] } }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch {
      throw serviceUnavailable('The auth service is unavailable', { serviceName: 'auth' });
    }
    const body = (await response.json().catch(() => null)) as { data?: { _entities?: unknown[] } } | null;
    const entities = body?.data?._entities;
    if (!response.ok || !Array.isArray(entities)) {
      throw new Error(`auth subgraph answered ${response.status} to an _entities query`);
    }
    return entities[0] != null;
  }

  return {
    /** `requestId` travels on, so the auth subgraph logs the call under the same request. */
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
