import { serviceUnavailable } from './errors';
import { REQUEST_ID_HEADER } from './observability';
import { SERVICE_CREDENTIAL_HEADER, type CredentialSigner } from './service-credential';

const TIMEOUT_MS = 4000;

/** Where an owner subgraph is, and how to prove who is calling it. */
export interface EntityOwner {
  /** The owner's name, for the error when it cannot be reached. */
  serviceName: string;
  url: string;
  signCredential: CredentialSigner | null;
}

/**
 * Asks an owner subgraph for entities of one type by id, over its `_entities`
 * endpoint (never by reading its database): how one service learns whether an
 * entity of another exists. Answers, in the order of `ids`, the selected fields
 * of each entity, or null where there is none. `requestId` travels on, so that
 * the owner logs the call under the same request.
 */
export async function fetchEntities<TEntity>(
  owner: EntityOwner,
  typename: string,
  ids: readonly string[],
  selection: string,
  requestId: string,
): Promise<(TEntity | null)[]> {
  if (ids.length === 0) return [];
  const query = `query Entities($representations: [_Any!]!) { _entities(representations: $representations) { ... on ${typename} { ${selection} } } }`;
  let response: Response;
  try {
    response = await fetch(owner.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [REQUEST_ID_HEADER]: requestId,
        ...(owner.signCredential ? { [SERVICE_CREDENTIAL_HEADER]: owner.signCredential(null) } : {}),
      },
      body: JSON.stringify({ query, variables: { representations: ids.map((id) => ({ __typename: typename, id })) } }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    throw serviceUnavailable(`The ${owner.serviceName} service is unavailable`, { serviceName: owner.serviceName });
  }
  const body = (await response.json().catch(() => null)) as { data?: { _entities?: unknown[] } } | null;
  const entities = body?.data?._entities;
  if (!response.ok || !Array.isArray(entities) || entities.length !== ids.length) {
    throw new Error(`${owner.serviceName} subgraph answered ${response.status} to an _entities query for ${typename}`);
  }
  return entities as (TEntity | null)[];
}
