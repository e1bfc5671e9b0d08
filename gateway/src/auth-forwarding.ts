import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { FastifyRequest } from 'fastify';
import { viewerFromAuthorization, type Viewer } from '../../subgraphs/common/src/auth';

export interface GatewayContext {
  viewer: Viewer | null;
  /** Passed on as it came, so that each subgraph verifies the token again. */
  authorization: string | undefined;
}

/** Verifies the bearer token before planning anything: a bad token is an error, never anonymity. */
export function createGatewayContext(publicKey: string) {
  return async (request: FastifyRequest): Promise<GatewayContext> => {
    const authorization = request.headers.authorization;
    return { viewer: viewerFromAuthorization(authorization, publicKey), authorization };
  };
}

export class AuthForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if ('authorization' in context && context.authorization) {
      request.http?.headers.set('authorization', context.authorization);
    }
  }
}
