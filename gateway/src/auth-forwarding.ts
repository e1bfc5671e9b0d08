import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { FastifyRequest } from 'fastify';
import { viewerFromAuthorization, type Viewer } from '../../subgraphs/common/src/auth';
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

/** Every subgraph call carries the caller's token and the request id, so one id follows the request everywhere. */
export class ForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (!('requestId' in context)) return;
    request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
    if (context.authorization) request.http?.headers.set('authorization', context.authorization);
  }
}
