import type { CodegenConfig } from '@graphql-codegen/cli';
import { printSchema } from 'graphql';
import { publicApiSchema } from '@chirp/gateway/supergraph';

/**
 * Resolver types for each subgraph, generated from its SDL in schema/.
 * `npm run codegen` rewrites subgraphs/<name>/src/generated/; a test checks that
 * the committed files match the SDL.
 */
const shared = {
  federation: true,
  useIndexSignature: true,
  useTypeImports: true,
  enumsAsTypes: true,
  avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: true },
  scalars: { ID: 'string', DateTime: 'Date', EmailAddress: 'string' },
};

function subgraph(name: string, mappers: Record<string, string>) {
  return {
    schema: [`schema/${name}.graphql`],
    plugins: ['typescript', 'typescript-resolvers'],
    config: { ...shared, contextType: '../context#Context', mappers },
  };
}

const config: CodegenConfig = {
  overwrite: true,
  generates: {
    'subgraphs/auth/src/generated/resolvers-types.ts': subgraph('auth', {
      User: '../repositories/user-repository#UserRecord',
    }),
    'subgraphs/users/src/generated/resolvers-types.ts': subgraph('users', {
      User: '../types#UserRef',
    }),
    'subgraphs/posts/src/generated/resolvers-types.ts': subgraph('posts', {
      User: '../types#UserRef',
      Post: '../repositories/post-repository#PostRecord',
      Comment: '../repositories/comment-repository#CommentRecord',
    }),
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
