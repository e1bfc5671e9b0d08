/**
 * One process of the service registry as one esbuild bundle, for both
 * `npm run build` (tools/build.ts: dist/<name>/main.js) and
 * `npm run package:lambda` (tools/package-lambda.ts: index.js in a zip). The
 * bundle holds every package the code imports, so it runs with no
 * node_modules; the files the code reads at run time go beside it, where
 * packages/platform/src/runtime-files.ts looks in a bundle. What stays outside
 * is the MongoDB driver's optional extras (kerberos, snappy, zstd, client-side
 * encryption, cloud credential providers): not installed here either, and
 * loaded only for connection strings that ask for them.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { GATEWAY, sourceEntry, SUBGRAPHS, type EntryKind, type ProcessEntry, type SubgraphEntry, REPOSITORY_ROOT } from '@chirp/platform';
import { GRAPHIQL_FILES, graphiqlFileInPackage } from '@chirp/gateway/graphiql';


/** A file to put beside the bundle: where it is now, and its path relative to the bundle's directory. */
export interface RuntimeFile {
  source: string;
  target: string;
}

export interface Bundle {
  code: Uint8Array;
  files: RuntimeFile[];
}

const sdlFile = (subgraph: SubgraphEntry): RuntimeFile => ({ source: path.join(REPOSITORY_ROOT, subgraph.sdl), target: subgraph.sdl });

/**
 * Swagger UI (under /docs) serves these, and the plugin reads its logo from
 * static/ beside its own code, which in a bundle is the bundle's directory.
 */
function swaggerUiFiles(): RuntimeFile[] {
  const plugin = require.resolve('@fastify/swagger-ui', { paths: [path.join(REPOSITORY_ROOT, GATEWAY.directory)] });
  const directory = path.join(path.dirname(plugin), 'static');
  return readdirSync(directory).map((file) => ({ source: path.join(directory, file), target: `static/${file}` }));
}

/** GraphiQL's browser files (under /graphiql, outside production), which the gateway reads from graphiql/ beside a bundle. */
const graphiqlFiles = (): RuntimeFile[] =>
  GRAPHIQL_FILES.map((file) => ({ source: graphiqlFileInPackage(file), target: `graphiql/${file.name}` }));

/** A subgraph reads its own SDL; the gateway composes the supergraph from every subgraph's at start. */
function runtimeFiles(entry: ProcessEntry | SubgraphEntry): RuntimeFile[] {
  return 'sdl' in entry ? [sdlFile(entry)] : [...SUBGRAPHS.map(sdlFile), ...swaggerUiFiles(), ...graphiqlFiles()];
}

/**
 * Bundles `entry`'s `main` (its server) or `lambda` (its handler) entry point.
 * The target is the oldest Node.js the code supports, so one bundle runs on 20
 * and on 24; it is not minified, so that stack traces name functions.
 */
export async function bundleProcess(entry: ProcessEntry, kind: EntryKind): Promise<Bundle> {
  const result = await build({
    entryPoints: [path.join(REPOSITORY_ROOT, sourceEntry(entry, kind))],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: `${kind}.js`,
    write: false,
    define: { CHIRP_BUNDLE: 'true' },
    logLevel: 'warning',
  });
  return { code: result.outputFiles[0]!.contents, files: runtimeFiles(entry) };
}

/** The command line of build and package:lambda: `[-- --out <dir>]`; prints what `write` wrote, one path a line. */
export function runWithOutDir(defaultDir: string, write: (outDir: string) => Promise<string[]>): void {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  write(path.resolve(values.out ?? defaultDir)).then(
    (written) => console.log(written.map((file) => path.relative(process.cwd(), file)).join('\n')),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
