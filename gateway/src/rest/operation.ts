import type { ApolloServer } from '@apollo/server';
import type { FastifyRequest } from 'fastify';
import type { GatewayContext } from '../auth-forwarding';
import { httpErrorFromGraphQL } from './http-errors';

/**
 * A GraphQL document with the types `npm run codegen` generates for its result
 * and variables (generated/operations.ts), so that a route cannot send
 * variables the document does not take nor read fields it does not select.
 */
export interface Operation<TData, TVariables> {
  readonly document: string;
  /** Never set: it carries the types. */
  readonly types?: { data: TData; variables: TVariables };
}

export const operation = <TData, TVariables>(document: string): Operation<TData, TVariables> => ({ document });

export interface GraphQLRunner {
  /** Who is asking: verifies the bearer token (401 when it is bad). */
  contextOf(request: FastifyRequest): Promise<GatewayContext>;
  execute<TData, TVariables>(context: GatewayContext, operation: Operation<TData, TVariables>, variables: TVariables): Promise<TData>;
  /** contextOf, then execute: what most routes need. */
  run<TData, TVariables>(request: FastifyRequest, operation: Operation<TData, TVariables>, variables: TVariables): Promise<TData>;
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

    async execute<TData, TVariables>(context: GatewayContext, { document }: Operation<TData, TVariables>, variables: TVariables) {
      const response = await apollo.executeOperation<TData>(
        { query: document, variables: variables as Record<string, unknown> },
        { contextValue: context },
      );
      if (response.body.kind !== 'single') throw new Error('REST adapters run single-result operations only');
      const { data, errors } = response.body.singleResult;
      const [firstError] = errors ?? [];
      if (firstError) throw httpErrorFromGraphQL(firstError);
      if (!data) throw new Error('GraphQL operation returned neither data nor errors');
      return data;
    },

    async run(request, operation, variables) {
      return runner.execute(await runner.contextOf(request), operation, variables);
    },
  };
  return runner;
}
