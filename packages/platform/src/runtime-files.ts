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

/** The subgraph SDL files: the one source the servers and the composition read. */
export const SCHEMA_DIR = path.join(lambdaRoot ?? path.resolve(__dirname, '../../..'), 'schema');

/**
 * Swagger UI's assets (for /docs). Undefined means the plugin's own package
 * directory; in the bundle they are in static/, where the bundled plugin also
 * reads its logo (relative to `__dirname`, the bundle's directory).
 */
export const SWAGGER_UI_ASSETS = lambdaRoot === undefined ? undefined : path.join(lambdaRoot, 'static');

/** The SDL of a subgraph, from schema/<name>.graphql: the one source the server and the composition both read. */
export function readSubgraphSdl(name: string): string {
  return readFileSync(path.join(SCHEMA_DIR, `${name}.graphql`), 'utf8');
}
