export interface GraphQLResponse<TData = Record<string, any>> {
  status: number;
  data?: TData | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

export type GraphQLClient = <TData = Record<string, any>>(
  query: string,
  variables?: Record<string, unknown>,
  options?: { token?: string; headers?: Record<string, string> },
) => Promise<GraphQLResponse<TData>>;

/** A plain HTTP client for a GraphQL endpoint, as any client of the API would send. */
export function graphqlClient(url: string): GraphQLClient {
  return async (query, variables = {}, options = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as Omit<GraphQLResponse, 'status'>;
    return { status: response.status, ...body } as GraphQLResponse<any>;
  };
}

/** The `extensions.code` of each error, in order: what most assertions want. */
export function errorCodes(response: GraphQLResponse): unknown[] {
  return (response.errors ?? []).map((error) => error.extensions?.code);
}
