/**
 * A user as this subgraph knows one: by id; `followingIds` arrives from the
 * users subgraph (through the gateway) when the feed is asked for.
 */
export interface UserRef {
  id: string;
  followingIds?: string[];
}
