import awsLambdaFastify from '@fastify/aws-lambda';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { buildHttpApp, lazyHandler, type ApiGatewayEvent } from '@chirp/platform';
import { loadGatewayConfig } from './config';
import { gatewayHttpOptions } from './server';

/**
 * The gateway on AWS Lambda: the same fastify app as `startGateway` (/graphql
 * and the REST routes), fed API Gateway events (v1 or v2) instead of sockets.
 * It is built at the first invocation and reused by the container after that.
 */
export const handler = lazyHandler<ApiGatewayEvent, APIGatewayProxyResult>(async () => {
  // One hop, API Gateway, whose X-Forwarded-Proto says the caller's scheme (for Link headers).
  const { app } = await buildHttpApp(gatewayHttpOptions(loadGatewayConfig(process.env)), { trustProxy: 1 });
  // No route reads the raw event (request.awsLambda), so no decoration.
  const proxy = awsLambdaFastify<ApiGatewayEvent>(app, { decorateRequest: false });
  // Starting here, not at the first inject, makes a failed start a failed build, retried next time.
  await app.ready();
  return (event, context) => proxy(withoutForwardedFor(event), context) as Promise<APIGatewayProxyResult>;
});

/**
 * The client's address is the request context's source IP, which
 * @fastify/aws-lambda gives the request as its peer. X-Forwarded-For starts
 * with whatever the client wrote there, so it is dropped before fastify could
 * believe any of it.
 */
function withoutForwardedFor(event: ApiGatewayEvent): ApiGatewayEvent {
  const drop = <T>(headers: Record<string, T> | null | undefined) =>
    headers && Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'x-forwarded-for'));
  return 'multiValueHeaders' in event
    ? { ...event, headers: drop(event.headers) ?? {}, multiValueHeaders: drop(event.multiValueHeaders) ?? {} }
    : { ...event, headers: drop(event.headers) ?? {} };
}
