import { startEmbeddedMongo } from '@chirp/embedded-mongo';

type RunningServer = Awaited<ReturnType<typeof startEmbeddedMongo>>;

declare global {
  var __EMBEDDED_MONGO__: RunningServer | undefined;
}

/**
 * Runs once before all test files. Without MONGODB_URI the tests get one
 * embedded server for the whole run; each test file then works in databases
 * of its own (see test-db.ts), so files can run in parallel.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.MONGODB_URI) return;
  const server = await startEmbeddedMongo({ port: 0 });
  globalThis.__EMBEDDED_MONGO__ = server;
  process.env.MONGODB_URI = server.uri;
}
