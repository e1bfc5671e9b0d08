import type { CodegenConfig } from '@graphql-codegen/cli';
import { printSchema } from 'graphql';
import { publicApiSchema } from '@chirp/gateway/supergraph';
import { SUBGRAPHS, type SubgraphName } from '@chirp/platform';

/**
 * Resolver types for each subgraph of the service registry, generated from its
 * SDL in schema/. `npm run codegen` rewrites subgraphs/<name>/src/generated/;
 * a test checks that the committed files match the SDL.
 */
const shared = {
  federation: true,
  useIndexSignature: true,
  useTypeImports: true,
  enumsAsTypes: true,
  avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: true },
  scalars: { ID: 'string', DateTime: 'Date', EmailAddress: 'string' },
};

/** The type each subgraph's resolvers receive as the parent of a GraphQL type, relative to its generated/ folder. */
const MAPPERS: Record<SubgraphName, Record<string, string>> = {
  auth: {
    User: '../repositories/user-repository#UserRecord',
  },
  users: {
    User: '../types#UserRef',
    Post: '../types#PostRef',
  },
  posts: {
    User: '../types#UserRef',
    Post: '../repositories/post-repository#PostRecord',
    Comment: '../repositories/comment-repository#CommentRecord',
  },
};

const subgraphTargets = Object.fromEntries(
  SUBGRAPHS.map((subgraph) => [
    `${subgraph.directory}/src/generated/resolvers-types.ts`,
    {
      schema: [subgraph.sdl],
      plugins: ['typescript', 'typescript-resolvers'],
      config: { ...shared, contextType: '../context#Context', mappers: MAPPERS[subgraph.name] },
    },
  ]),
);

const config: CodegenConfig = {
  overwrite: true,
  generates: {
    ...subgraphTargets,
    // The REST routes' operations, typed against the public graph they run on: the supergraph composed from schema/.
    'gateway/src/rest/generated/operations.ts': {
      schema: printSchema(publicApiSchema()),
      documents: ['gateway/src/rest/*.ts'],
      plugins: ['typescript-operations'],
      config: {
        useTypeImports: true,
        enumType: 'string-literal',
        skipTypename: true,
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
        scalars: { ID: 'string', DateTime: 'string', EmailAddress: 'string' },
      },
    },
  },
};

export default config;
