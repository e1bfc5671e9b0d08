import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', '**/generated/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
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
    files: ['tests/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
