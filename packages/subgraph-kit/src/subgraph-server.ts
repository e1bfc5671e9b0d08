import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse } from 'graphql';
import type { Connection } from 'mongoose';
import {
  viewerFromAuthorization,
  type Viewer,
  type SubgraphConfig,
  formatError,
  requestScope,
  startHttpServer,
  type RunningService,
  createLogger,
  type Logger,
  type RequestScope,
  readSubgraphSdl,
  subgraphEntry,
  type SubgraphName,
  type Env,
  runService,
  SERVICE_CREDENTIAL_HEADER,
  verifyServiceCredential,
  createMetrics,
  serveMetrics,
  type Metrics,
  createCredentialSigner,
  createSessionCheck,
  GATEWAY,
  remoteSessionLookup,
  type SessionLookup,
} from '@chirp/platform';
import { connectDatabase, pingDatabase } from './db';
import { instrumentMongo } from './mongo-metrics';
import { rebuildStreamWorker, startStreamWorker, type RunningWorker, type StreamWorkerSpec } from './stream-worker';
import { SUBGRAPH_MAX_TOKENS, subgraphLimitsPlugin } from './subgraph-limits';

/** A header sent twice arrives as an array; such a credential is not one we signed. */
const headerValue = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? '' : value);

export type { RunningService };

/** A readiness probe answers within this, database or not. */
const READY_TIMEOUT_MS = 2000;

/** What a subgraph knows of one request before its own context is built. */
export interface SubgraphRequest extends RequestScope {
  viewer: Viewer | null;
  /** The client's network address, for per-address limits; null when it cannot be known. */
  clientAddress: string | null;
}

/**
 * A subgraph as its package exports it (`subgraph` from its index): how it reads its configuration, builds
 * its module (repositories and services) from its connection once, and makes each request's context from
 * that module. Every subgraph has this one shape, so the same code serves each over HTTP (`startSubgraph`,
 * `runSubgraph`) and on Lambda (`subgraphLambdaHandler`), and the test kit starts each from the registry.
 */
export interface SubgraphModule<TConfig extends SubgraphConfig, TContext extends BaseContext & RequestScope, TModule = unknown> {
  name: SubgraphName;
  /** Reads and validates the configuration from the environment; a bad value throws a ConfigError. */
  loadConfig(env: Env): TConfig;
  /** The generated `Resolvers` type of the subgraph; its shape is checked there, against the SDL. */
  resolvers: object;
  /** Called once the database is connected. */
  createModule(connection: Connection, config: TConfig): Promise<TModule>;
  /** Called for every request; loaders made here are the request's own. */
  createContext(request: SubgraphRequest, module: TModule): TContext;
  /** The stream workers the subgraph runs beside serving (events.ts of the streams' owners), if any. */
  workers?(module: TModule): StreamWorkerSpec[];
  /**
   * How this subgraph learns whether a token's session is open: the owner of sessions (auth) reads its
   * own; every other subgraph, by default, asks auth over `_entities`.
   */
  sessionLookup?(module: TModule): SessionLookup;
}

export interface RunningSubgraph extends RunningService {
  /** The subgraph's MongoDB connection, for tests that observe its commands. */
  connection: Connection;
  /** Stops the stream workers only (`stop` stops them too), so that a test can drop databases under no writer. */
  stopWorkers(): Promise<void>;
}

/** What a transport (HTTP, Lambda) tells of one call, before anything is believed. */
export interface IncomingCall {
  authorization: string | undefined;
  /** The SERVICE_CREDENTIAL_HEADER, which the gateway and other subgraphs send. */
  serviceCredential: string | undefined;
  /** The address the call came from on the network (the gateway's, for calls through it). */
  peerAddress: string | null;
}

/** A subgraph with its database connected, ready to be served by HTTP (`startSubgraph`) or by Lambda (`subgraphLambdaHandler`). */
export interface PreparedSubgraph<TContext extends BaseContext & RequestScope> {
  service: string;
  logger: Logger;
  connection: Connection;
  /** Builds the Apollo server with the transport's `plugins`. */
  createApollo(plugins: ApolloServerPlugin<TContext>[]): ApolloServer<TContext>;
  /** The context of one request; a bad `Authorization` header or service credential rejects it. */
  context(scope: RequestScope, call: IncomingCall): Promise<TContext>;
}

const serviceName = (subgraph: { name: SubgraphName }) => `${subgraph.name}-subgraph`;

/** Connects the subgraph's database, builds its module, and its federated schema from its SDL. */
export async function prepareSubgraph<TConfig extends SubgraphConfig, TContext extends BaseContext & RequestScope, TModule>(
  subgraph: SubgraphModule<TConfig, TContext, TModule>,
  config: TConfig,
): Promise<PreparedSubgraph<TContext>> {
  const service = serviceName(subgraph);
  const connection = await connectDatabase(config.mongodbUri, config.dbName);
  try {
    const module = await subgraph.createModule(connection, config);
    const signCredential = config.serviceSecret ? createCredentialSigner(config.serviceSecret, subgraph.name) : null;
    const sessions = createSessionCheck(
      subgraph.sessionLookup?.(module) ?? remoteSessionLookup({ serviceName: 'auth', url: config.subgraphUrls.auth, signCredential }),
      config.sessionCheckMs,
    );
    const schema = buildSubgraphSchema({
      typeDefs: parse(readSubgraphSdl(subgraphEntry(subgraph.name))),
      resolvers: subgraph.resolvers as GraphQLResolverMap<unknown>,
    });
    return {
      service,
      logger: createLogger(service, config),
      connection,
      createApollo: (plugins) =>
        new ApolloServer<TContext>({
          schema,
          includeStacktraceInErrorResponses: config.nodeEnv === 'development',
          formatError,
          parseOptions: { maxTokens: SUBGRAPH_MAX_TOKENS },
          // runService stops the process on SIGINT/SIGTERM, closing HTTP and the database, and exits 0.
          stopOnTerminationSignals: false,
          // No inline traces (nothing reports them) and no cache-control hooks on every field: the schema
          // has no cache hints, and the gateway, not a subgraph, tells clients `cache-control: no-store`.
          plugins: [
            ApolloServerPluginInlineTraceDisabled(),
            ApolloServerPluginCacheControlDisabled(),
            ApolloServerPluginLandingPageDisabled(),
            subgraphLimitsPlugin(),
            ...plugins,
          ],
        }),
      context: async (scope, call) => {
        const caller = verifyServiceCredential(call.serviceCredential, {
          secret: config.serviceSecret,
          required: config.requireServiceCredential,
        });
        const viewer = viewerFromAuthorization(call.authorization, config.jwtPublicKey);
        // A call the gateway vouches for carries a session the gateway has just checked; asking again
        // here could only disagree with it (each reuses its answer for a while), and the disagreement
        // would reach the client as this subgraph failing. Any other call, the session is checked here:
        // a subgraph reached directly is not a way around auth.
        if (viewer && caller?.service !== GATEWAY.name) await sessions.assertOpen(viewer, scope.requestId);
        const request: SubgraphRequest = {
          ...scope,
          // Through the gateway, the client is who the gateway vouches for; called directly, the peer itself.
          clientAddress: caller?.clientAddress ?? call.peerAddress,
          viewer,
        };
        return subgraph.createContext(request, module);
      },
    };
  } catch (error) {
    await connection.close();
    throw error;
  }
}

/**
 * Starts a subgraph: connects its database, builds its module and the
 * federated schema from its SDL, and serves it. Port 0 picks a free port (the
 * tests use that).
 */
export async function startSubgraph<TConfig extends SubgraphConfig, TContext extends BaseContext & RequestScope, TModule>(
  subgraph: SubgraphModule<TConfig, TContext, TModule>,
  config: TConfig,
): Promise<RunningSubgraph> {
  const prepared = await prepareSubgraph(subgraph, config);
  const { connection, logger } = prepared;
  try {
    const service = await startHttpServer<TContext>({ port: config.port, host: config.host, metricsPort: config.metricsPort }, {
      service: prepared.service,
      logger,
      createApollo: prepared.createApollo,
      context: async (request) =>
        prepared.context(requestScope(request), {
          authorization: request.headers.authorization,
          serviceCredential: headerValue(request.headers[SERVICE_CREDENTIAL_HEADER]),
          peerAddress: request.ip,
        }),
      instrument: (metrics) => instrumentMongo(connection, metrics),
      checkReady: () => pingDatabase(connection, READY_TIMEOUT_MS),
      onStop: () => connection.close(),
    });
    const workers = config.runWorkers ? await startWorkers(subgraph, config, logger, service.metrics).catch(async (error: unknown) => {
      await service.stop();
      throw error;
    }) : noWorkers;
    logger.info({ url: service.url, workers: workers.names }, `${subgraph.name} subgraph ready`);
    return {
      ...service,
      connection,
      stopWorkers: workers.stop,
      async stop() {
        await workers.stop();
        await service.stop();
      },
    };
  } catch (error) {
    await connection.close();
    throw error;
  }
}

interface RunningWorkers extends RunningWorker {
  names: string[];
}

const noWorkers: RunningWorkers = { names: [], stop: async () => undefined };

/**
 * Starts the subgraph's stream workers on a connection of their own, with a module of their own: their
 * waiting change-stream reads and their writes never queue behind requests (nor requests behind them),
 * and a request's MongoDB commands are the request's alone. Stopping is idempotent.
 */
async function startWorkers<TConfig extends SubgraphConfig, TContext extends BaseContext & RequestScope, TModule>(
  subgraph: SubgraphModule<TConfig, TContext, TModule>,
  config: TConfig,
  logger: Logger,
  metrics: Metrics,
): Promise<RunningWorkers> {
  if (!subgraph.workers) return noWorkers;
  const connection = await connectDatabase(config.mongodbUri, config.dbName);
  try {
    instrumentMongo(connection, metrics);
    const specs = subgraph.workers(await subgraph.createModule(connection, config));
    const options = { connection, logger, metrics, leaseMs: config.workerLeaseMs };
    const running = await Promise.all(specs.map((spec) => startStreamWorker(spec, options)));
    let stopped: Promise<void> | undefined;
    return {
      names: specs.map(({ name }) => name),
      stop: () =>
        (stopped ??= Promise.all(running.map((worker) => worker.stop())).then(() => connection.close())),
    };
  } catch (error) {
    await connection.close();
    throw error;
  }
}

/**
 * A subgraph's stream workers in a process of their own, with /metrics and nothing else to serve:
 * where nothing runs between requests (AWS Lambda), they need a long-lived home (docs/deploy-aws.md).
 */
export async function startSubgraphWorkers<TConfig extends SubgraphConfig, TContext extends BaseContext & RequestScope, TModule>(
  subgraph: SubgraphModule<TConfig, TContext, TModule>,
  config: TConfig,
): Promise<RunningService> {
  const service = `${subgraph.name}-worker`;
  const logger = createLogger(service, config);
  const metrics = createMetrics(service);
  const metricsServer = await serveMetrics(metrics, { port: config.metricsPort, host: config.host });
  try {
    const workers = await startWorkers(subgraph, config, logger, metrics);
    if (workers.names.length === 0) throw new Error(`the ${subgraph.name} subgraph has no stream workers`);
    logger.info({ metricsUrl: metricsServer.url, workers: workers.names }, `${subgraph.name} workers running`);
    return {
      url: metricsServer.url,
      port: metricsServer.port,
      metricsUrl: metricsServer.url,
      async stop() {
        await workers.stop();
        await metricsServer.close();
      },
    };
  } catch (error) {
    await metricsServer.close();
    throw error;
  }
}

/** Rebuilds what the subgraph's worker `name` derives from its streams (see `rebuildStreamWorker`). */
export async function rebuildSubgraphWorker<TConfig extends SubgraphConfig, TContext extends BaseContext & RequestScope, TModule>(
  subgraph: SubgraphModule<TConfig, TContext, TModule>,
  config: TConfig,
  name: string,
): Promise<'here' | 'by the running worker'> {
  const connection = await connectDatabase(config.mongodbUri, config.dbName);
  try {
    const spec = subgraph.workers?.(await subgraph.createModule(connection, config)).find((worker) => worker.name === name);
    if (!spec) throw new Error(`the ${subgraph.name} subgraph has no stream worker named ${name}`);
    const logger = createLogger(`${subgraph.name}-rebuild`, config);
    return await rebuildStreamWorker(spec, { connection, logger, metrics: createMetrics(`${subgraph.name}-rebuild`), leaseMs: config.workerLeaseMs });
  } finally {
    await connection.close();
  }
}

/** The process of a subgraph's stream workers alone (src/worker.ts, `npm run worker`). */
export function runSubgraphWorkers<TConfig extends SubgraphConfig, TContext extends BaseContext & RequestScope, TModule>(
  subgraph: SubgraphModule<TConfig, TContext, TModule>,
): void {
  runService(`${subgraph.name}-worker`, () => startSubgraphWorkers(subgraph, subgraph.loadConfig(process.env)));
}

/** A subgraph's process (src/main.ts): configured from the environment, stopped cleanly on SIGINT or SIGTERM. */
export function runSubgraph<TConfig extends SubgraphConfig, TContext extends BaseContext & RequestScope, TModule>(
  subgraph: SubgraphModule<TConfig, TContext, TModule>,
): void {
  runService(serviceName(subgraph), () => startSubgraph(subgraph, subgraph.loadConfig(process.env)));
}
