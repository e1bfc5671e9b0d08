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
