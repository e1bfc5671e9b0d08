/** A user as this subgraph knows one: by id only; the auth subgraph holds the rest. */
export interface UserRef {
  id: string;
}

/** A post as this subgraph knows one: by id only; the posts subgraph holds the rest. */
export interface PostRef {
  id: string;
}
