import { serviceUnavailable } from './errors';
import { REQUEST_ID_HEADER } from './observability';
import { SERVICE_CREDENTIAL_HEADER, type CredentialSigner } from './service-credential';

const ENTITY_QUERY = 'query UserExists($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { id } } }';
const TIMEOUT_MS = 4000;

/**
 * Asks the auth subgraph, the owner of users, whether a user exists: over its
 * `_entities` endpoint, never by reading its database. Used by the users
 * subgraph (follow someone who exists) and the gateway (a token's user exists).
 */
export function createUserDirectory(authUrl: string, signCredential: CredentialSigner | null) {
  return {
    /** `requestId` travels on, so the auth subgraph logs the call under the same request. */
    async exists(userId: string, requestId: string): Promise<boolean> {
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
    },
  };
}

export type UserDirectory = ReturnType<typeof createUserDirectory>;
