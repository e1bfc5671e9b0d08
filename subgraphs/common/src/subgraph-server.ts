import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApolloServer, type BaseContext } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse } from 'graphql';
import type { Connection } from 'mongoose';
import { viewerFromAuthorization, type Viewer } from './auth';
import type { SubgraphConfig } from './config';
import { connectDatabase } from './db';
import { formatError } from './errors';
import { requestScope, startHttpServer, type RunningService } from './http-server';
import { createLogger } from './logger';
import { instrumentMongo, type RequestScope } from './observability';

export type { RunningService };

const SCHEMA_DIR = path.resolve(__dirname, '../../../schema');

/** The SDL of a subgraph, from schema/<name>.graphql: the one source the server and the composition both read. */
export function readSubgraphSdl(name: string): string {
  return readFileSync(path.join(SCHEMA_DIR, `${name}.graphql`), 'utf8');
}

export interface SubgraphDefinition<TContext extends BaseContext & RequestScope> {
  name: 'auth' | 'users' | 'posts';
  config: SubgraphConfig;
  /** The generated `Resolvers` type of the subgraph; its shape is checked there, against the SDL. */
  resolvers: object;
  /** Builds the per-request context; called once the database is connected. */
  setup(connection: Connection): Promise<(request: RequestScope & { viewer: Viewer | null }) => TContext>;
}

export interface RunningSubgraph extends RunningService {
  /** The subgraph's MongoDB connection, for tests that observe its commands. */
  connection: Connection;
}

/**
 * Starts a subgraph: connects its database, builds the federated schema from
 * its SDL, and serves it. Port 0 picks a free port (the tests use that).
 */
export async function startSubgraph<TContext extends BaseContext & RequestScope>(
  definition: SubgraphDefinition<TContext>,
): Promise<RunningSubgraph> {
  const { config } = definition;
  const logger = createLogger(`${definition.name}-subgraph`, config.logLevel);
  const connection = await connectDatabase(config.mongodbUri, config.dbName);
  try {
    const contextFor = await definition.setup(connection);
    const schema = buildSubgraphSchema({
      typeDefs: parse(readSubgraphSdl(definition.name)),
      resolvers: definition.resolvers as GraphQLResolverMap<unknown>,
    });
    const service = await startHttpServer<TContext>({ port: config.port, host: config.host }, {
      service: `${definition.name}-subgraph`,
      logger,
      createApollo: (plugins) =>
        new ApolloServer<TContext>({
          schema,
          includeStacktraceInErrorResponses: config.nodeEnv === 'development',
          formatError,
          plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginLandingPageDisabled(), ...plugins],
        }),
      context: async (request) =>
        contextFor({
          ...requestScope(request),
          viewer: viewerFromAuthorization(request.headers.authorization, config.jwtPublicKey),
        }),
      instrument: (metrics) => instrumentMongo(connection, metrics),
      checkReady: async () => {
        await connection.db?.admin().ping();
      },
      onStop: () => connection.close(),
    });
    logger.info({ url: service.url }, `${definition.name} subgraph ready`);
    return { ...service, connection };
  } catch (error) {
    await connection.close();
    throw error;
  }
}
