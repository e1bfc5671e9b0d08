import type { BaseContext } from '@apollo/server';
import { handlers, startServerAndCreateLambdaHandler } from '@as-integrations/aws-lambda';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult, Context } from 'aws-lambda';
import { createMetrics, observabilityPlugin, requestIdFrom, REQUEST_ID_HEADER, type RequestScope } from './observability';
import { SERVICE_CREDENTIAL_HEADER } from './service-credential';
import { prepareSubgraph, type SubgraphDefinition } from './subgraph-server';

/** What API Gateway sends: REST APIs the v1 proxy event, HTTP APIs (and function URLs) the v2 one. */
export type ApiGatewayEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;
export type LambdaHandler<TEvent, TResult> = (event: TEvent, context: Context) => Promise<TResult>;

/**
 * A container keeps module state between invocations, so the first invocation
 * builds the handler (connecting the database) and later ones reuse it: one
 * connection per container. A build that fails is forgotten, so the next
 * invocation tries again rather than failing for the container's whole life.
 */
export function lazyHandler<TEvent, TResult>(
  build: () => Promise<LambdaHandler<TEvent, TResult>>,
): LambdaHandler<TEvent, TResult> {
  let built: Promise<LambdaHandler<TEvent, TResult>> | undefined;
  return async (event, context) => {
    built ??= build().catch((error: unknown) => {
      built = undefined;
      throw error;
    });
    return (await built)(event, context);
  };
}

const isV2 = (event: ApiGatewayEvent): event is APIGatewayProxyEventV2 => 'version' in event && event.version === '2.0';
const v1 = handlers.createAPIGatewayProxyEventRequestHandler();
const v2 = handlers.createAPIGatewayProxyEventV2RequestHandler();

/**
 * One Apollo server can be started only once, so a single request handler
 * reads both event versions; the two integrations shape their results alike.
 */
const eitherEvent: handlers.RequestHandler<ApiGatewayEvent, APIGatewayProxyResult> = {
  fromEvent: (event) => (isV2(event) ? v2.fromEvent(event) : v1.fromEvent(event)),
  toSuccessResult: v1.toSuccessResult,
  toErrorResult: v1.toErrorResult,
};

/** v2 events carry lower-case header names; v1 events carry them as the client sent them. */
function header(event: ApiGatewayEvent, name: string): string | undefined {
  return Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];
}

/** The caller's address as API Gateway saw the connection: never a header the client could write. */
export function sourceIp(event: ApiGatewayEvent): string | null {
  return (isV2(event) ? event.requestContext?.http?.sourceIp : event.requestContext?.identity?.sourceIp) ?? null;
}

/**
 * A subgraph's Lambda handler. `define` reads the configuration (from the
 * environment) at the first invocation, not at import, so a bad value is
 * reported, and retried, like any other failed start.
 */
export function subgraphLambdaHandler<TContext extends BaseContext & RequestScope>(
  define: () => SubgraphDefinition<TContext>,
): LambdaHandler<ApiGatewayEvent, APIGatewayProxyResult> {
  return lazyHandler(async () => {
    const subgraph = await prepareSubgraph(define());
    // No /metrics to scrape on Lambda: the plugin is here for its logging of unexpected errors.
    const apollo = subgraph.createApollo([observabilityPlugin<TContext>(createMetrics(subgraph.service))]);
    const handle = startServerAndCreateLambdaHandler(apollo, eitherEvent, {
      context: async ({ event, context }) => {
        // The gateway forwards its request id; a direct call is known by Lambda's own.
        const requestId = requestIdFrom(header(event, REQUEST_ID_HEADER) ?? context.awsRequestId);
        return subgraph.context(
          { requestId, log: subgraph.logger.child({ requestId }) },
          {
            authorization: header(event, 'authorization'),
            serviceCredential: header(event, SERVICE_CREDENTIAL_HEADER),
            peerAddress: sourceIp(event),
          },
        );
      },
    });
    // Typed as a callback-or-promise Lambda handler, it always answers with a promise.
    return (event, context) => handle(event, context, () => undefined) as Promise<APIGatewayProxyResult>;
  });
}
