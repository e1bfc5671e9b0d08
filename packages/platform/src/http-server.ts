import http from 'node:http';
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
  /** Where Prometheus scrapes this process: a port of its own, never the public one. */
  metricsUrl: string;
  stop(): Promise<void>;
}

/** A readiness answer is reused for this long: probes fan out to databases and subgraphs, and anyone may call them. */
const READY_CACHE_MS = 1500;

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
 * The HTTP shell every process shares: Apollo at /graphql, /health and
 * /ready, request ids, metrics, a body limit. It does not listen:
 * `startHttpServer` listens with it, and the gateway's Lambda handler feeds it
 * events instead. `trustProxy` names the proxy hops whose X-Forwarded-* headers
 * are believed (the client's address and scheme); none by default.
 */
export async function buildHttpApp<TContext extends BaseContext & RequestScope>(
  options: HttpServerOptions<TContext>,
  { trustProxy = false }: { trustProxy?: false | number | string[] } = {},
): Promise<{ app: FastifyInstance; metrics: Metrics }> {
  const app: FastifyInstance = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    requestIdHeader: false,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    genReqId: (request) => requestIdFrom(request.headers[REQUEST_ID_HEADER]),
    // A hop count as fastify's function form (its types lack the number form): the nearest `hops` proxies are believed.
    trustProxy: typeof trustProxy === 'number' ? (_address: string, hop: number) => hop < trustProxy : trustProxy,
  });
  const metrics = createMetrics(options.service);
  instrumentHttp(app, metrics);
  options.instrument?.(metrics);
  await options.prepare?.(app);
  const apollo = options.createApollo([fastifyApolloDrainPlugin(app), observabilityPlugin<TContext>(metrics)]);
  await apollo.start();

  app.get('/health', async () => ({ status: 'ok' }));
  const readiness = cachedFor(READY_CACHE_MS, () =>
    options.checkReady().then(
      () => null,
      (error: unknown) => (error as Error).message,
    ),
  );
  app.get('/ready', async (_request, reply) => {
    const reason = await readiness();
    return reason === null ? { status: 'ready' } : reply.code(503).send({ status: 'unavailable', reason });
  });
  await app.register(fastifyApollo(apollo), { path: '/graphql', context: options.context });
  await options.register?.(app, apollo);
  return { app, metrics };
}

/** The latest answer of `compute` while it is younger than `ttlMs`; callers meanwhile share one computation. */
function cachedFor<T>(ttlMs: number, compute: () => Promise<T>): () => Promise<T> {
  let latest: { value: Promise<T>; at: number } | undefined;
  return () => {
    const now = Date.now();
    if (!latest || now - latest.at >= ttlMs) latest = { value: compute(), at: now };
    return latest.value;
  };
}

export interface MetricsServer {
  /** Where Prometheus scrapes: http://host:port/metrics. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const urlOf = (host: string, port: number) => `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;

/** /metrics on a listener of its own, so the public port never shows the process's insides. */
export async function serveMetrics(metrics: Metrics, listen: { port: number; host: string }): Promise<MetricsServer> {
  const server = http.createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: this port serves GET /metrics only\n');
      return;
    }
    metrics.registry.metrics().then(
      (body) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
      () => response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `${urlOf(listen.host, port)}/metrics`,
    port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Builds the app and serves it, and /metrics on its own port; `stop` closes both, then runs `onStop`. */
export async function startHttpServer<TContext extends BaseContext & RequestScope>(
  listen: { port: number; host: string; metricsPort: number; trustProxy?: false | number | string[] },
  options: HttpServerOptions<TContext>,
): Promise<RunningService & { app: FastifyInstance; metrics: Metrics }> {
  const { app, metrics } = await buildHttpApp(options, { trustProxy: listen.trustProxy ?? false });
  await app.listen({ port: listen.port, host: listen.host });
  let metricsServer: MetricsServer;
  try {
    metricsServer = await serveMetrics(metrics, { port: listen.metricsPort, host: listen.host });
  } catch (error) {
    await app.close();
    throw error;
  }
  const port = (app.server.address() as AddressInfo).port;
  return {
    app,
    metrics,
    port,
    url: urlOf(listen.host, port),
    metricsUrl: metricsServer.url,
    async stop() {
      await Promise.all([app.close(), metricsServer.close()]);
      await options.onStop?.();
    },
  };
}

/** What every context starts from: who asks, and the request's id and logger. */
export function requestScope(request: FastifyRequest): RequestScope {
  return { requestId: request.id, log: request.log as Logger };
}
