import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault, ApolloServerPluginLandingPageProductionDefault } from '@apollo/server/plugin/landingPage/default';
import { formatError } from '../../subgraphs/common/src/errors';
import { startHttpServer, type HttpServerOptions, type RunningService } from '../../subgraphs/common/src/http-server';
import { createLogger } from '../../subgraphs/common/src/logger';
import { ForwardingDataSource, createGatewayContext, type GatewayContext } from './auth-forwarding';
import type { GatewayConfig } from './config';
import { registerRestApi } from './rest';
import { composeSupergraph, SUBGRAPH_NAMES } from './supergraph';

const READY_TIMEOUT_MS = 2000;

/**
 * The public endpoint: one graph at /graphql, composed from the three
 * subgraphs, and the REST routes over it; served by `startGateway` or, on
 * Lambda, by gateway/src/lambda.ts.
 */
export function gatewayHttpOptions(config: GatewayConfig): HttpServerOptions<GatewayContext> {
  const logger = createLogger('gateway', config.logLevel);
  const { supergraphSdl, hints } = composeSupergraph(config.subgraphs);
  for (const hint of hints) logger.warn({ hint }, 'composition hint');

  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => new ForwardingDataSource(name, url!),
  });
  const production = config.nodeEnv === 'production';
  const gatewayContext = createGatewayContext(config.jwtPublicKey);

  return {
    service: 'gateway',
    logger,
    createApollo: (plugins) =>
      new ApolloServer<GatewayContext>({
        gateway,
        introspection: !production,
        includeStacktraceInErrorResponses: config.nodeEnv === 'development',
        formatError,
        plugins: [
          production
            ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
            : ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
          ...plugins,
        ],
      }),
    context: gatewayContext,
    register: (app, apollo) => registerRestApi(app, apollo, gatewayContext),
    checkReady: async () => {
      const failures: string[] = [];
      await Promise.all(
        SUBGRAPH_NAMES.map(async (name) => {
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
  const service = await startHttpServer({ port: config.port, host: config.host }, options);
  options.logger.info({ url: `${service.url}/graphql` }, 'gateway ready');
  return service;
}
