import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Where the files read at run time are. From source, where the repository
 * keeps them. On Lambda, the code is one esbuild bundle (tools/package-lambda.ts)
 * in which `__dirname` no longer says where a module came from, so the packager
 * zips the files beside the bundle, and Lambda unpacks the zip into the
 * directory it names in LAMBDA_TASK_ROOT.
 */
const lambdaRoot = process.env.LAMBDA_TASK_ROOT;

/** The repository's root folder, where tools and tests find its files. */
export const REPOSITORY_ROOT = path.resolve(__dirname, '../../..');

/** What paths in the service registry are relative to: the repository, or the unpacked bundle. */
const RUNTIME_ROOT = lambdaRoot ?? REPOSITORY_ROOT;

/**
 * Swagger UI's assets (for /docs). Undefined means the plugin's own package
 * directory; in the bundle they are in static/, where the bundled plugin also
 * reads its logo (relative to `__dirname`, the bundle's directory).
 */
export const SWAGGER_UI_ASSETS = lambdaRoot === undefined ? undefined : path.join(lambdaRoot, 'static');

/** A subgraph's SDL (schema/<name>.graphql): the one source the server and the composition both read. */
export function readSubgraphSdl(subgraph: { sdl: string }): string {
  return readFileSync(path.join(RUNTIME_ROOT, subgraph.sdl), 'utf8');
}
