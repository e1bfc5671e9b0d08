import DataLoader from 'dataloader';

/**
 * A DataLoader batch function must answer in the order of its keys, with null
 * where nothing matched; this lines fetched records up with the keys.
 */
export function byId<T extends { id: string }>(ids: readonly string[]) {
  return (records: T[]): (T | null)[] => {
    const found = new Map(records.map((record) => [record.id, record]));
    return ids.map((id) => found.get(id) ?? null);
  };
}

/**
 * A loader of "does the viewer have an edge to X" (liked this post, follows
 * this user): one query for all the keys of a request; null when anonymous,
 * where the answer is always false.
 */
export function viewerEdgeLoader(
  viewer: { id: string } | null,
  edgesAmong: (viewerId: string, ids: readonly string[]) => Promise<Set<string>>,
): DataLoader<string, boolean> | null {
  if (!viewer) return null;
  return new DataLoader(async (ids) => {
    const linked = await edgesAmong(viewer.id, ids);
    return ids.map((id) => linked.has(id));
  });
}
