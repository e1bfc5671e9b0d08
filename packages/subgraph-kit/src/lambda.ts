import type { BaseContext } from '@apollo/server';
import { handlers, startServerAndCreateLambdaHandler } from '@as-integrations/aws-lambda';
import type { APIGatewayProxyResult } from 'aws-lambda';
import {
  createMetrics,
  eventHeader,
  isV2Event,
  lazyHandler,
  observabilityPlugin,
  requestIdFrom,
  REQUEST_ID_HEADER,
  SERVICE_CREDENTIAL_HEADER,
  sourceIp,
  type ApiGatewayEvent,
  type LambdaHandler,
  type RequestScope,
  type SubgraphConfig,
} from '@chirp/platform';
import { prepareSubgraph, type SubgraphModule } from './subgraph-server';

const v1 = handlers.createAPIGatewayProxyEventRequestHandler();
const v2 = handlers.createAPIGatewayProxyEventV2RequestHandler();

/**
 * One Apollo server can be started only once, so a single request handler
 * reads both event versions; the two integrations shape their results alike.
 */
const eitherEvent: handlers.RequestHandler<ApiGatewayEvent, APIGatewayProxyResult> = {
  fromEvent: (event) => (isV2Event(event) ? v2.fromEvent(event) : v1.fromEvent(event)),
  toSuccessResult: v1.toSuccessResult,
  toErrorResult: v1.toErrorResult,
};

/**
 * A subgraph's Lambda handler (src/lambda.ts). The configuration is read from
 * the environment at the first invocation, not at import, so a bad value is
 * reported, and retried, like any other failed start.
 */
export function subgraphLambdaHandler<TConfig extends SubgraphConfig, TContext extends BaseContext & RequestScope, TModule>(
  subgraph: SubgraphModule<TConfig, TContext, TModule>,
): LambdaHandler<ApiGatewayEvent, APIGatewayProxyResult> {
  return lazyHandler(async () => {
    const prepared = await prepareSubgraph(subgraph, subgraph.loadConfig(process.env));
    // No /metrics to scrape on Lambda: the plugin is here for its logging of unexpected errors.
    const apollo = prepared.createApollo([observabilityPlugin<TContext>(createMetrics(prepared.service))]);
    const handle = startServerAndCreateLambdaHandler(apollo, eitherEvent, {
      context: async ({ event, context }) => {
        // The gateway forwards its request id; a direct call is known by Lambda's own.
        const requestId = requestIdFrom(eventHeader(event, REQUEST_ID_HEADER) ?? context.awsRequestId);
        return prepared.context(
          { requestId, log: prepared.logger.child({ requestId }) },
          {
            authorization: eventHeader(event, 'authorization'),
            serviceCredential: eventHeader(event, SERVICE_CREDENTIAL_HEADER),
            peerAddress: sourceIp(event),
          },
        );
      },
    });
    // Typed as a callback-or-promise Lambda handler, it always answers with a promise.
    return (event, context) => handle(event, context, () => undefined) as Promise<APIGatewayProxyResult>;
  });
}
