import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Where the files read at run time are. From source, where the repository
 * keeps them. In a bundle (tools/bundle.ts: dist/<name>/main.js, or the
 * index.js of a Lambda zip), modules no longer sit in their packages, so the
 * bundler copies the files beside the bundle and defines CHIRP_BUNDLE; there
 * `__dirname` is the bundle's own directory, wherever it was copied or unzipped
 * to, so no variable has to say where that is.
 */
declare const CHIRP_BUNDLE: true | undefined;
const bundled = typeof CHIRP_BUNDLE !== 'undefined';

/** The repository's root folder, where tools and tests find its files (from source only). */
export const REPOSITORY_ROOT = path.resolve(__dirname, '../../..');

/** What paths in the service registry are relative to: the repository, or the bundle's directory. */
const RUNTIME_ROOT = bundled ? __dirname : REPOSITORY_ROOT;

/**
 * Swagger UI's assets (for /docs). Undefined means the plugin's own package
 * directory; beside a bundle they are in static/, where the bundled plugin
 * also reads its logo (relative to `__dirname`).
 */
export const SWAGGER_UI_ASSETS = bundled ? path.join(RUNTIME_ROOT, 'static') : undefined;

/**
 * GraphiQL's browser files (for /graphiql). Undefined means the packages that
 * ship them (graphiql, react, react-dom); beside a bundle they are in graphiql/.
 */
export const GRAPHIQL_ASSETS = bundled ? path.join(RUNTIME_ROOT, 'graphiql') : undefined;

/** A subgraph's SDL (schema/<name>.graphql): the one source the server and the composition both read. */
export function readSubgraphSdl(subgraph: { sdl: string }): string {
  return readFileSync(path.join(RUNTIME_ROOT, subgraph.sdl), 'utf8');
}
