import type { ApolloServer } from '@apollo/server';
import type { FastifyRequest } from 'fastify';
import type { GatewayContext } from '../auth-forwarding';
import { httpErrorFromGraphQL } from './http-errors';

export interface GraphQLRunner {
  /** Who is asking: verifies the bearer token (401 when it is bad). */
  contextOf(request: FastifyRequest): Promise<GatewayContext>;
  execute<TData>(context: GatewayContext, query: string, variables?: Record<string, unknown>): Promise<TData>;
  /** contextOf, then execute: what most routes need. */
  run<TData>(request: FastifyRequest, query: string, variables?: Record<string, unknown>): Promise<TData>;
}

/**
 * Runs one GraphQL operation through the gateway's own Apollo server (the
 * same plan, the same subgraph calls, the same rules as /graphql; no HTTP
 * call to itself), and turns the first error into the HTTP answer it stands
 * for. An error of the context (a bad token) reaches the REST error handler as
 * the GraphQL error it is, and is answered the same way.
 */
export function createGraphQLRunner(
  apollo: ApolloServer<GatewayContext>,
  contextFor: (request: FastifyRequest) => Promise<GatewayContext>,
): GraphQLRunner {
  const runner: GraphQLRunner = {
    contextOf: contextFor,

    async execute<TData>(context: GatewayContext, query: string, variables: Record<string, unknown> = {}) {
      const response = await apollo.executeOperation<TData>({ query, variables }, { contextValue: context });
      if (response.body.kind !== 'single') throw new Error('REST adapters run single-result operations only');
      const { data, errors } = response.body.singleResult;
      const [firstError] = errors ?? [];
      if (firstError) throw httpErrorFromGraphQL(firstError);
      if (!data) throw new Error('GraphQL operation returned neither data nor errors');
      return data;
    },

    async run<TData>(request: FastifyRequest, query: string, variables: Record<string, unknown> = {}) {
      return runner.execute<TData>(await runner.contextOf(request), query, variables);
    },
  };
  return runner;
}
