/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Each package's own tests sit beside it; tests/ holds those of the whole system.
  roots: ['<rootDir>/packages', '<rootDir>/gateway', '<rootDir>/subgraphs', '<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.[tj]s$': ['@swc/jest'] },
  globalSetup: '<rootDir>/packages/test-kit/src/global-setup.ts',
  globalTeardown: '<rootDir>/packages/test-kit/src/global-teardown.ts',
  testTimeout: 30000,
};
