import { existsSync } from 'node:fs';
import path from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The folder of the nearest package.json above `file`: the workspace it belongs to. */
function workspaceOf(file) {
  let dir = path.dirname(file);
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/**
 * A relative import must stay inside its own workspace: code of another
 * package is reached by its name (`@chirp/platform`), so that dependencies are
 * declared and point one way.
 */
const noCrossPackageRelativeImport = {
  meta: { type: 'problem', messages: { climbs: '"{{source}}" climbs out of {{from}}: import another package by its name' } },
  create(context) {
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const from = workspaceOf(context.filename);
      const target = path.resolve(path.dirname(context.filename), source);
      if (!(target + path.sep).startsWith(from + path.sep)) {
        context.report({ node: node.source, messageId: 'climbs', data: { source, from: path.relative(context.cwd, from) || 'the root workspace' } });
      }
    };
    return { ImportDeclaration: check, ExportAllDeclaration: check, ExportNamedDeclaration: check };
  },
};

const SUBGRAPH_CODE = { group: ['@chirp/*-subgraph', '@chirp/*-subgraph/*'], message: 'Subgraphs are reached over GraphQL, never by importing their code.' };
// A subgraph may import what another publishes (its events.ts: a stream's pipeline and event type), nothing else.
const OTHER_SUBGRAPHS_CODE = {
  regex: '^@chirp/[a-z-]+-subgraph(?!/events$)(/.*)?$',
  message: 'Subgraphs are reached over GraphQL or through the streams they publish (@chirp/<name>-subgraph/events), never by importing their code.',
};
const restrict = (...entries) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: entries.filter((entry) => typeof entry === 'string').map((name) => ({ name, message: `${name} does not belong in this package.` })),
      patterns: entries.filter((entry) => typeof entry !== 'string'),
    },
  ],
});

export default tseslint.config(
  { ignores: ['node_modules/', '**/dist/', 'coverage/', '**/generated/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { chirp: { rules: { 'no-cross-package-relative-import': noCrossPackageRelativeImport } } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error'] }],
      'chirp/no-cross-package-relative-import': 'error',
    },
  },
  // Dependencies point one way: platform <- subgraph-kit <- subgraphs; platform <- gateway; test-kit on top.
  { files: ['packages/embedded-mongo/index.ts', 'packages/embedded-mongo/cli.ts', 'packages/embedded-mongo/src/**'], rules: restrict({ group: ['@chirp/*'], message: 'The embedded server stands alone: it knows nothing of Chirp.' }) },
  { files: ['packages/platform/**'], rules: restrict('mongoose', '@chirp/subgraph-kit', '@chirp/gateway', '@chirp/test-kit', SUBGRAPH_CODE) },
  { files: ['packages/subgraph-kit/src/**'], rules: restrict('@chirp/gateway', '@chirp/test-kit', SUBGRAPH_CODE) },
  { files: ['gateway/src/**'], rules: restrict('mongoose', '@chirp/subgraph-kit', '@chirp/test-kit', SUBGRAPH_CODE) },
  { files: ['subgraphs/*/src/**'], rules: restrict('@chirp/gateway', '@chirp/test-kit', OTHER_SUBGRAPHS_CODE) },
  {
    files: ['*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    // Run by mongosh inside the mongo container, where `db` and `process` are given.
    files: ['docker/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { db: 'readonly', process: 'readonly' } },
  },
  {
    files: ['tools/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // Tests read JSON answers whose shape is the assertion itself.
    files: ['tests/**', '**/test/**', 'packages/test-kit/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
