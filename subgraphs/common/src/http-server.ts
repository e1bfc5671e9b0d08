import type { AddressInfo } from 'node:net';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { ApolloServer, ApolloServerPlugin, BaseContext } from '@apollo/server';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import type { Logger } from './logger';
import {
  createMetrics,
  instrumentHttp,
  observabilityPlugin,
  requestIdFrom,
  REQUEST_ID_HEADER,
  type Metrics,
  type RequestScope,
} from './observability';

export const BODY_LIMIT_BYTES = 100 * 1024;

export interface RunningService {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface HttpServerOptions<TContext extends BaseContext & RequestScope> {
  /** Names the process in logs and metrics. */
  service: string;
  logger: Logger;
  /** Builds the Apollo server; it must include `plugins` (drain on shutdown, metrics and error logging). */
  createApollo(plugins: ApolloServerPlugin<TContext>[]): ApolloServer<TContext>;
  context(request: FastifyRequest): Promise<TContext>;
  /** Resolves when the process can serve (its database, its subgraphs); rejects with the reason. */
  checkReady(): Promise<void>;
  /** Plugins that must see every route (security headers, CORS, rate limits): registered before any route. */
  prepare?(app: FastifyInstance): Promise<void>;
  /** Extra routes (the gateway's REST adapters), which may run operations on the same Apollo server. */
  register?(app: FastifyInstance, apollo: ApolloServer<TContext>): Promise<void> | void;
  /** Called once the metrics exist, to observe more (the database). */
  instrument?(metrics: Metrics): void;
  onStop?(): Promise<void>;
}

/**
 * The HTTP shell every process shares: Apollo at /graphql, /health, /ready and
 * /metrics, request ids, a body limit. It does not listen: `startHttpServer`
 * listens with it, and the gateway's Lambda handler feeds it events instead.
 * `trustProxy` is for an app behind a proxy that sets X-Forwarded-* (API
 * Gateway), so that the URLs it builds (Link headers) carry the client's scheme.
 */
export async function buildHttpApp<TContext extends BaseContext & RequestScope>(
  options: HttpServerOptions<TContext>,
  { trustProxy = false }: { trustProxy?: boolean } = {},
): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    requestIdHeader: false,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    genReqId: (request) => requestIdFrom(request.headers[REQUEST_ID_HEADER]),
    trustProxy,
  });
  const metrics = createMetrics(options.service);
  instrumentHttp(app, metrics);
  options.instrument?.(metrics);
  await options.prepare?.(app);
  const apollo = options.createApollo([fastifyApolloDrainPlugin(app), observabilityPlugin<TContext>(metrics)]);
  await apollo.start();

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_request, reply) => {
    try {
      await options.checkReady();
      return { status: 'ready' };
    } catch (error) {
      return reply.code(503).send({ status: 'unavailable', reason: (error as Error).message });
    }
  });
  await app.register(fastifyApollo(apollo), { path: '/graphql', context: options.context });
  await options.register?.(app, apollo);
  return app;
}

/** Builds the app and serves it; `stop` closes it, then runs `onStop`. */
export async function startHttpServer<TContext extends BaseContext & RequestScope>(
  listen: { port: number; host: string },
  options: HttpServerOptions<TContext>,
): Promise<RunningService & { app: FastifyInstance }> {
  const app = await buildHttpApp(options);
  await app.listen(listen);
  const actualPort = (app.server.address() as AddressInfo).port;
  return {
    app,
    port: actualPort,
    url: `http://${listen.host === '0.0.0.0' ? '127.0.0.1' : listen.host}:${actualPort}`,
    async stop() {
      await app.close();
      await options.onStop?.();
    },
  };
}

/** What every context starts from: who asks, and the request's id and logger. */
export function requestScope(request: FastifyRequest): RequestScope {
  return { requestId: request.id, log: request.log as Logger };
}
