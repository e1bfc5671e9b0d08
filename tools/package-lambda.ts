/**
 * `npm run package:lambda [-- --out <dir>]`: one zip per Lambda function
 * (auth, users, posts, gateway) in dist/lambda, each an esbuild bundle of
 * its handler (`index.handler`, Node 20) with the files the code reads at run
 * time beside it (see subgraphs/common/src/runtime-files.ts).
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { build } from 'esbuild';
import { ZipFile } from 'yazl';

const ROOT = path.resolve(__dirname, '..');
const SCHEMA = (name: string) => path.join(ROOT, 'schema', `${name}.graphql`);
/** Swagger UI (under /docs) serves these, and reads its logo from them while the gateway starts. */
const SWAGGER_UI_STATIC = path.join(path.dirname(require.resolve('@fastify/swagger-ui')), 'static');

export const LAMBDAS = [
  { name: 'auth', entry: 'subgraphs/auth/src/lambda.ts', schemas: ['auth'] },
  { name: 'users', entry: 'subgraphs/users/src/lambda.ts', schemas: ['users'] },
  { name: 'posts', entry: 'subgraphs/posts/src/lambda.ts', schemas: ['posts'] },
  // The gateway composes the supergraph from every subgraph's SDL at start.
  { name: 'gateway', entry: 'gateway/src/lambda.ts', schemas: ['auth', 'users', 'posts'], swaggerUi: true },
] as const;

/** Builds every zip into `outDir`; returns their paths. */
export async function packageLambdas(outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  return Promise.all(
    LAMBDAS.map(async (lambda) => {
      const bundle = await build({
        entryPoints: [path.join(ROOT, lambda.entry)],
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        outfile: 'index.js',
        write: false,
        logLevel: 'warning',
      });
      const zip = new ZipFile();
      zip.addBuffer(Buffer.from(bundle.outputFiles[0]!.contents), 'index.js');
      for (const schema of lambda.schemas) zip.addFile(SCHEMA(schema), `schema/${schema}.graphql`);
      if ('swaggerUi' in lambda) {
        for (const file of await readdir(SWAGGER_UI_STATIC)) zip.addFile(path.join(SWAGGER_UI_STATIC, file), `static/${file}`);
      }
      zip.end();
      const zipPath = path.join(outDir, `${lambda.name}.zip`);
      await pipeline(zip.outputStream, createWriteStream(zipPath));
      return zipPath;
    }),
  );
}

if (require.main === module) {
  const outFlag = process.argv.indexOf('--out');
  const outDir = path.resolve(outFlag >= 0 && process.argv[outFlag + 1] ? process.argv[outFlag + 1]! : path.join(ROOT, 'dist/lambda'));
  packageLambdas(outDir).then(
    (zips) => console.log(zips.map((zip) => path.relative(process.cwd(), zip)).join('\n')),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
