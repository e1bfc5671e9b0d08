import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { FastifyRequest } from 'fastify';
import { viewerFromAuthorization, type Viewer } from '../../subgraphs/common/src/auth';
import { serviceUnavailable } from '../../subgraphs/common/src/errors';
import { requestScope } from '../../subgraphs/common/src/http-server';
import { REQUEST_ID_HEADER, type RequestScope } from '../../subgraphs/common/src/observability';

export interface GatewayContext extends RequestScope {
  viewer: Viewer | null;
  /** Passed on as it came, so that each subgraph verifies the token again. */
  authorization: string | undefined;
}

/** Verifies the bearer token before planning anything: a bad token is an error, never anonymity. */
export function createGatewayContext(publicKey: string) {
  return async (request: FastifyRequest): Promise<GatewayContext> => {
    const authorization = request.headers.authorization;
    return { ...requestScope(request), viewer: viewerFromAuthorization(authorization, publicKey), authorization };
  };
}

/** A subgraph that has not answered by then is reported unavailable, so the gateway answers within 5 s. */
export const SUBGRAPH_TIMEOUT_MS = 4000;

/**
 * Every subgraph call carries the caller's token and the request id, so one
 * id follows the request everywhere. A subgraph that cannot be reached (down,
 * refusing, too slow) becomes SERVICE_UNAVAILABLE naming it; the rest of the
 * answer still comes from the subgraphs that did answer.
 */
export class ForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(private readonly serviceName: string, url: string) {
    super({
      url,
      fetcher: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(SUBGRAPH_TIMEOUT_MS) } as RequestInit) as never,
    });
  }

  /** The cause (a host and port, a timeout) goes to the log; the client learns only which service failed. */
  override didEncounterError(error: Error, _request: unknown, _response?: unknown, context?: GatewayContext): void {
    context?.log?.warn({ err: error, serviceName: this.serviceName }, 'subgraph unavailable');
    throw serviceUnavailable(`The ${this.serviceName} service is unavailable`, { serviceName: this.serviceName });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (!('requestId' in context)) return;
    request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
    if (context.authorization) request.http?.headers.set('authorization', context.authorization);
  }
}
