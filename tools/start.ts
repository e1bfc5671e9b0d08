/**
 * `npm start`: the whole system on one machine with no setup.
 *
 * Without MONGODB_URI it first starts the embedded MongoDB-compatible server;
 * without a JWT key pair it makes one for this run (refused in production).
 * Then it starts the three subgraphs, then the gateway once every subgraph
 * answers, and prints where to go. A child that dies stops everything;
 * Ctrl-C or SIGTERM stops everything within a few seconds, exit code 0.
 * With --watch (`npm run dev`), each service restarts when its code changes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { GATEWAY, generateServiceSecret, generateTokenKeyPair, sourceEntry, SUBGRAPHS, type ProcessEntry, REPOSITORY_ROOT } from '@chirp/platform';
import { startEmbeddedMongo } from '@chirp/embedded-mongo';
import { waitUntilHealthy } from './wait-until-healthy';

const STOP_GRACE_MS = 4000;

interface ServiceSpec {
  name: string;
  entry: string;
  port: number;
  metricsPort: number;
}

function portFrom(variable: string, fallback: number): number {
  const raw = process.env[variable];
  return raw ? Number(raw) : fallback;
}

/** Each process of the registry, on the ports the environment gives or its defaults. */
const serviceSpec = (entry: ProcessEntry): ServiceSpec => ({
  name: entry.name,
  entry: sourceEntry(entry),
  port: portFrom(entry.portVariable, entry.defaultPort),
  metricsPort: portFrom(entry.metricsPortVariable, entry.defaultMetricsPort),
});
const subgraphs = SUBGRAPHS.map((entry) => ({ ...serviceSpec(entry), urlVariable: entry.urlVariable, portVariable: entry.portVariable }));
const gateway = serviceSpec(GATEWAY);

const watch = process.argv.includes('--watch');
const children = new Map<string, ChildProcess>();
let stopping = false;
let stopEmbedded: (() => Promise<void>) | undefined;

/** The secrets a run needs: given ones are kept; outside production, missing ones are made for this run. */
function secretsFromEnvironment(nodeEnv: string): Record<string, string> {
  const secrets: Record<string, string> = {};
  if (!process.env.JWT_PRIVATE_KEY) {
    if (nodeEnv === 'production') throw new Error('JWT_PRIVATE_KEY and JWT_PUBLIC_KEY must be set in production (PEM, EC P-256)');
    const pair = generateTokenKeyPair();
    console.log('No JWT_PRIVATE_KEY given: generated a key pair for this run (tokens end with it).');
    Object.assign(secrets, { JWT_PRIVATE_KEY: pair.privateKey, JWT_PUBLIC_KEY: pair.publicKey });
  }
  if (!process.env.SERVICE_SECRET) {
    if (nodeEnv === 'production') throw new Error('SERVICE_SECRET must be set in production (npm run -s keys makes one)');
    secrets.SERVICE_SECRET = generateServiceSecret();
  }
  return secrets;
}

function launch(spec: ServiceSpec, env: NodeJS.ProcessEnv): void {
  const flags = watch ? ['--watch', '--import', 'tsx'] : ['--import', 'tsx'];
  const child = spawn(process.execPath, [...flags, path.join(REPOSITORY_ROOT, spec.entry)], {
    cwd: REPOSITORY_ROOT,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.set(spec.name, child);
  child.on('exit', (code, signal) => {
    children.delete(spec.name);
    if (stopping) return;
    console.error(`${spec.name} stopped unexpectedly (${signal ?? `exit code ${code}`}); stopping everything.`);
    void shutdown(1);
  });
}

async function shutdown(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  const exits = [...children.values()].map(
    (child) =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, STOP_GRACE_MS).unref();
      }),
  );
  await Promise.all(exits);
  await stopEmbedded?.();
  process.exit(exitCode);
}

async function main(): Promise<void> {
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  // npm start is the one place where unset means development; every process started otherwise defaults to production.
  const nodeEnv = process.env.NODE_ENV || 'development';
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: nodeEnv, ...secretsFromEnvironment(nodeEnv) };
  if (!env.MONGODB_URI) {
    const embedded = await startEmbeddedMongo({ port: 0 });
    stopEmbedded = embedded.stop;
    env.MONGODB_URI = embedded.uri;
    console.log(`No MONGODB_URI given: started the embedded in-memory MongoDB at ${embedded.uri} (data ends with this run).`);
  }
  // Every process learns where the subgraphs are: the gateway calls them all, and a subgraph may call another.
  for (const subgraph of subgraphs) {
    env[subgraph.portVariable] = String(subgraph.port);
    env[subgraph.urlVariable] ??= `http://127.0.0.1:${subgraph.port}/graphql`;
  }
  env[GATEWAY.portVariable] = String(gateway.port);

  for (const spec of subgraphs) launch(spec, env);
  const healthy = (spec: ServiceSpec) => waitUntilHealthy(spec.name, spec.port, { giveUp: () => stopping });
  await Promise.all(subgraphs.map(healthy));
  launch(gateway, env);
  await healthy(gateway);

  const base = `http://localhost:${gateway.port}`;
  console.log(
    [
      '',
      'Chirp is running.',
      `  GraphQL:        ${base}/graphql   (POST)`,
      `  Apollo Sandbox: ${base}/graphql   (open in a browser)`,
      `  GraphiQL:       ${base}/graphiql  (open in a browser; works offline)`,
      `  Health:         ${base}/health, ${base}/ready`,
      `  REST docs:      ${base}/docs`,
      `  Metrics:        ${[gateway, ...subgraphs].map((spec) => `${spec.name} :${spec.metricsPort}`).join(', ')}   (GET /metrics, internal ports)`,
      ...(watch ? ['Watching for changes: a service restarts when its code changes.'] : []),
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  if (!stopping) console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  void shutdown(1);
});
