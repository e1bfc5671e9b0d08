/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Each package's own tests sit beside it; tests/ holds those of the whole system.
  roots: ['<rootDir>/packages', '<rootDir>/gateway', '<rootDir>/subgraphs', '<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.[tj]s$': ['@swc/jest'] },
  // These ship only ES modules, which jest cannot require: content-disposition 3 (under @fastify/static, for /docs)
  // and cookie 2 (under light-my-request, which fastify's inject uses, so the gateway's Lambda handler).
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|cookie)/)'],
  globalSetup: '<rootDir>/packages/test-kit/src/global-setup.ts',
  globalTeardown: '<rootDir>/packages/test-kit/src/global-teardown.ts',
  testTimeout: 30000,
};
