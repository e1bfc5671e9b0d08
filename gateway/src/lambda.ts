import awsLambdaFastify from '@fastify/aws-lambda';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { buildHttpApp } from '../../subgraphs/common/src/http-server';
import { lazyHandler, type ApiGatewayEvent } from '../../subgraphs/common/src/lambda';
import { loadGatewayConfig } from './config';
import { gatewayHttpOptions } from './server';

/**
 * The gateway on AWS Lambda: the same fastify app as `startGateway` (/graphql
 * and the REST routes), fed API Gateway events (v1 or v2) instead of sockets.
 * It is built at the first invocation and reused by the container after that.
 */
export const handler = lazyHandler<ApiGatewayEvent, APIGatewayProxyResult>(async () => {
  // API Gateway is the only client and says the caller's scheme in X-Forwarded-Proto.
  const app = await buildHttpApp(gatewayHttpOptions(loadGatewayConfig(process.env)), { trustProxy: true });
  // No route reads the raw event (request.awsLambda), so no decoration.
  const proxy = awsLambdaFastify<ApiGatewayEvent>(app, { decorateRequest: false });
  // Starting here, not at the first inject, makes a failed start a failed build, retried next time.
  await app.ready();
  return proxy;
});
