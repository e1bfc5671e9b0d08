import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { ApolloServerPlugin } from '@apollo/server';
import type { FastifyRequest } from 'fastify';
import {
  viewerFromAuthorization,
  type Viewer,
  serviceUnavailable,
  requestScope,
  REQUEST_ID_HEADER,
  type RequestScope,
  SERVICE_CREDENTIAL_HEADER,
  type CredentialSigner,
  type SessionCheck,
  SESSION_ENDING_MUTATIONS,
  fragmentsOf,
  rootFieldCounts,
} from '@chirp/platform';

export interface GatewayContext extends RequestScope {
  viewer: Viewer | null;
  /** Passed on as it came, so that each subgraph verifies the token again. */
  authorization: string | undefined;
  /** For per-address limits (login, register). */
  clientIp: string;
}

type Authentication = { viewer: Viewer | null } | { error: unknown };

/**
 * Verifies a request's bearer token once, however many places ask (the rate
 * limiter's key, the GraphQL context, a REST route), and makes sure the
 * session it names is still open: signed out, ended by a password change or
 * an account's deletion (or lost with a database reset under the same key),
 * its token is refused within the session check's bound.
 */
export function createAuthenticator(publicKey: string, sessions: SessionCheck) {
  const verified = new WeakMap<FastifyRequest, Authentication>();
  const authenticate = (request: FastifyRequest): Authentication => {
    let result = verified.get(request);
    if (!result) {
      try {
        result = { viewer: viewerFromAuthorization(request.headers.authorization, publicKey) };
      } catch (error) {
        result = { error };
      }
      verified.set(request, result);
    }
    return result;
  };

  return {
    /** The signed-in user, or null when anonymous or the token is bad (the context refuses those). */
    viewerOf(request: FastifyRequest): Viewer | null {
      const result = authenticate(request);
      return 'viewer' in result ? result.viewer : null;
    },

    /** Before planning anything: a bad token is an error, never anonymity. */
    async context(request: FastifyRequest): Promise<GatewayContext> {
      const result = authenticate(request);
      if ('error' in result) throw result.error;
      const scope = requestScope(request);
      if (result.viewer) await sessions.assertOpen(result.viewer, scope.requestId);
      return { ...scope, viewer: result.viewer, authorization: request.headers.authorization, clientIp: request.ip };
    },
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;

/**
 * After an operation that may end sessions (a sign-out, a password change, a deletion), however it
 * hides the field (aliases, fragments), the gateway forgets its answers about the signed-in account's
 * sessions: the sessions that ended are refused here at once, and everywhere else within the bound.
 */
export function forgetEndedSessionsPlugin(sessions: SessionCheck): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, document, contextValue }) {
          if (operation?.operation !== 'mutation' || !contextValue.viewer || !document) return;
          const rootFields = rootFieldCounts(operation, fragmentsOf(document));
          if (SESSION_ENDING_MUTATIONS.some((name) => rootFields.has(name))) sessions.forgetAccount(contextValue.viewer.id);
        },
      };
    },
  };
}

/**
 * Every subgraph call carries the caller's token, the request id (so one id
 * follows the request everywhere) and the gateway's credential, which vouches
 * for the client's address. A subgraph that cannot be reached (down,
 * refusing, too slow) becomes SERVICE_UNAVAILABLE naming it; the rest of the
 * answer still comes from the subgraphs that did answer.
 */
export class ForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly serviceName: string,
    url: string,
    /** Null only outside production without SERVICE_SECRET, where subgraphs take unsigned calls. */
    private readonly signCredential: CredentialSigner | null,
    fetcher: RemoteGraphQLDataSource['fetcher'],
  ) {
    super({ url, fetcher });
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
    if (this.signCredential) request.http?.headers.set(SERVICE_CREDENTIAL_HEADER, this.signCredential(context.clientIp));
  }
}
