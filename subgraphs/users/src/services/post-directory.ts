import { fetchEntities, type EntityOwner } from '@chirp/platform';

export type PostDirectory = ReturnType<typeof createPostDirectory>;

/**
 * Asks the posts subgraph, the owner of posts, which posts exist: over its `_entities` endpoint, never by
 * reading its database. Nothing is remembered: a post may be deleted at any moment.
 */
export function createPostDirectory(posts: EntityOwner) {
  async function existing(postIds: readonly string[], requestId: string): Promise<Set<string>> {
    const found = await fetchEntities<{ id: string }>(posts, 'Post', postIds, 'id', requestId);
    return new Set(postIds.filter((_postId, index) => found[index] != null));
  }

  return {
    existing,
    exists: async (postId: string, requestId: string): Promise<boolean> => (await existing([postId], requestId)).has(postId),
  };
}
