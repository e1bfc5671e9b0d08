import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import {
  formatError,
  startHttpServer,
  type HttpServerOptions,
  type RunningService,
  createLogger,
  createSessionCheck,
  remoteSessionLookup,
  createCredentialSigner,
  SUBGRAPHS,
  GATEWAY,
} from '@chirp/platform';
import helmet from '@fastify/helmet';
import cors from '@fastify/cors';
import { createAuthenticator, forgetEndedSessionsPlugin, ForwardingDataSource, type GatewayContext } from './auth-forwarding';
import { operationLimitsPlugin, refuseCostlyPlans, DEFAULT_OPERATION_LIMITS } from './operation-limits';
import { authRateLimitPlugin, registerGeneralRateLimit } from './rate-limits';
import { registerGraphiql, sandboxLinkingGraphiql } from './graphiql';
import type { GatewayConfig } from './config';
import { registerRestApi, useRestErrorShapes } from './rest';
import { composeSupergraph } from './supergraph';
import { createSubgraphFetcher } from './subgraph-fetcher';

const READY_TIMEOUT_MS = 2000;

/**
 * The public endpoint: one graph at /graphql, composed from the three
 * subgraphs, and the REST routes over it; served by `startGateway` or, on
 * Lambda, by gateway/src/lambda.ts.
 */
export function gatewayHttpOptions(config: GatewayConfig): HttpServerOptions<GatewayContext> {
  const logger = createLogger('gateway', config);
  const { supergraphSdl, hints } = composeSupergraph(config.subgraphs);
  for (const hint of hints) logger.warn({ hint }, 'composition hint');

  const signCredential = config.serviceSecret ? createCredentialSigner(config.serviceSecret, GATEWAY.name) : null;
  const fetcher = createSubgraphFetcher(config.subgraphTimeoutMs);
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => new ForwardingDataSource(name, url!, signCredential, fetcher),
    experimental_didResolveQueryPlan: refuseCostlyPlans(DEFAULT_OPERATION_LIMITS),
  });
  const production = config.nodeEnv === 'production';
  const sessions = createSessionCheck(
    remoteSessionLookup({ serviceName: 'auth', url: config.subgraphs.auth, signCredential }),
    config.sessionCheckMs,
  );
  const auth = createAuthenticator(config.jwtPublicKey, sessions);

  return {
    service: 'gateway',
    logger,
    createApollo: (plugins) =>
      new ApolloServer<GatewayContext>({
        gateway,
        introspection: !production,
        includeStacktraceInErrorResponses: config.nodeEnv === 'development',
        formatError,
        // runService stops the process on SIGINT/SIGTERM, closing HTTP first, and exits 0.
        stopOnTerminationSignals: false,
        parseOptions: { maxTokens: DEFAULT_OPERATION_LIMITS.maxTokens },
        plugins: [
          // In production neither the schema nor the Sandbox page (nor GraphiQL, below) is shown to the world.
          production ? ApolloServerPluginLandingPageDisabled() : sandboxLinkingGraphiql(),
          operationLimitsPlugin(DEFAULT_OPERATION_LIMITS),
          forgetEndedSessionsPlugin(sessions),
          ...(config.rateLimits.enabled ? [authRateLimitPlugin(config.rateLimits)] : []),
          ...plugins,
        ],
      }),
    context: auth.context,
    async prepare(app) {
      useRestErrorShapes(app);
      // No Content-Security-Policy: the answers are JSON, and the HTML pages (Sandbox, /docs, /graphiql) run inline scripts; /graphiql sets its own.
      await app.register(helmet, { contentSecurityPolicy: false, crossOriginEmbedderPolicy: false });
      await app.register(cors, {
        origin: config.corsOrigins,
        methods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
        allowedHeaders: ['authorization', 'content-type', 'x-request-id', 'apollo-require-preflight'],
        exposedHeaders: ['link', 'x-request-id', 'retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
        maxAge: 600,
      });
      if (config.rateLimits.enabled) await registerGeneralRateLimit(app, config.rateLimits, auth);
    },
    async register(app, apollo) {
      await registerRestApi(app, apollo, auth.context);
      if (!production) await registerGraphiql(app);
    },
    checkReady: async () => {
      const failures: string[] = [];
      await Promise.all(
        SUBGRAPHS.map(async ({ name }) => {
          const response = await fetch(new URL('/ready', config.subgraphs[name]), {
            signal: AbortSignal.timeout(READY_TIMEOUT_MS),
          }).catch(() => null);
          if (!response?.ok) failures.push(`${name} subgraph is not ready`);
        }),
      );
      if (failures.length > 0) throw new Error(failures.sort().join('; '));
    },
  };
}

export async function startGateway(config: GatewayConfig): Promise<RunningService> {
  const options = gatewayHttpOptions(config);
  const service = await startHttpServer(
    { port: config.port, host: config.host, metricsPort: config.metricsPort, trustProxy: config.trustProxy },
    options,
  );
  options.logger.info({ url: `${service.url}/graphql` }, 'gateway ready');
  return service;
}
