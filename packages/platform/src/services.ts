/**
 * The one list of Chirp's processes: what each is called, where it listens,
 * which variables configure it, which database it owns and where its SDL is.
 * Configuration, the gateway's composition, npm start, code generation,
 * packaging, the compose check, the benchmarks and the tests all read it, so
 * a fourth subgraph is a folder, its SDL and one entry here
 * (docs/ARCHITECTURE.md, "Adding a subgraph").
 */
export interface ProcessEntry {
  name: string;
  /** The workspace's package name and folder. */
  package: string;
  directory: string;
  defaultPort: number;
  portVariable: string;
  defaultMetricsPort: number;
  metricsPortVariable: string;
}

export interface SubgraphEntry extends ProcessEntry {
  /** The variable that tells the gateway (and any other caller) where this subgraph's /graphql is. */
  urlVariable: string;
  defaultDb: string;
  dbVariable: string;
  /** The SDL file, relative to the repository (and to a Lambda bundle's root). */
  sdl: string;
  /** Subgraphs this one calls while serving, which must be up before it starts. */
  calls: readonly string[];
  /** Whether it has stream workers (src/worker.ts runs them alone, `npm run worker`). */
  workers: boolean;
}

export const GATEWAY: ProcessEntry = {
  name: 'gateway',
  package: '@chirp/gateway',
  directory: 'gateway',
  defaultPort: 4000,
  portVariable: 'PORT',
  defaultMetricsPort: 9400,
  metricsPortVariable: 'METRICS_PORT',
};

function subgraph<TName extends string>(
  name: TName,
  port: number,
  { calls = [], workers = false }: { calls?: readonly string[]; workers?: boolean } = {},
): SubgraphEntry & { name: TName } {
  const upper = name.toUpperCase();
  return {
    name,
    package: `@chirp/${name}-subgraph`,
    directory: `subgraphs/${name}`,
    defaultPort: port,
    portVariable: `${upper}_PORT`,
    defaultMetricsPort: port + 5400,
    metricsPortVariable: `${upper}_METRICS_PORT`,
    urlVariable: `${upper}_URL`,
    defaultDb: `chirp_${name}`,
    dbVariable: `${upper}_DB_NAME`,
    sdl: `schema/${name}.graphql`,
    calls,
    workers,
  };
}

/** In the order they start: a subgraph comes after those it calls. */
export const SUBGRAPHS = [
  subgraph('auth', 4001),
  subgraph('posts', 4002, { calls: ['auth'], workers: true }),
  subgraph('users', 4003, { calls: ['auth', 'posts'], workers: true }),
] as const;

export type SubgraphName = (typeof SUBGRAPHS)[number]['name'];

export function subgraphEntry(name: SubgraphName): SubgraphEntry {
  const entry = SUBGRAPHS.find((candidate) => candidate.name === name);
  if (!entry) throw new Error(`No subgraph named ${name} in the service registry`);
  return entry;
}

/** Where a subgraph answers GraphQL on this machine, at its default port unless `port` is given. */
export function localSubgraphUrl(entry: SubgraphEntry, port = entry.defaultPort): string {
  return `http://127.0.0.1:${port}/graphql`;
}

/** Every process, gateway last: it starts once the subgraphs answer. */
export const PROCESSES: readonly ProcessEntry[] = [...SUBGRAPHS, GATEWAY];

/** `main` starts a process's server; `lambda` exports its AWS Lambda handler; `worker` runs its stream workers alone. */
export type EntryKind = 'main' | 'lambda' | 'worker';

/**
 * A process's entry point in TypeScript, relative to the repository. npm start
 * runs `main` through tsx; the build bundles each (tools/bundle.ts).
 */
export function sourceEntry(entry: ProcessEntry, kind: EntryKind = 'main'): string {
  return `${entry.directory}/src/${kind}.ts`;
}
