/**
 * `npm run package:lambda [-- --out <dir>]`: one zip per process of the
 * service registry (the subgraphs, then the gateway) in dist/lambda, each the
 * bundle of its Lambda handler (tools/bundle.ts) as `index.js`, so the
 * function's handler is `index.handler`, with the files the code reads at run
 * time beside it.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { PROCESSES, REPOSITORY_ROOT } from '@chirp/platform';
import { bundleProcess, runWithOutDir } from './bundle';


/** Builds every zip into `outDir`; returns their paths. */
export async function packageLambdas(outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  return Promise.all(
    PROCESSES.map(async (entry) => {
      const { code, files } = await bundleProcess(entry, 'lambda');
      const zip = new ZipFile();
      zip.addBuffer(Buffer.from(code), 'index.js');
      for (const file of files) zip.addFile(file.source, file.target);
      zip.end();
      const zipPath = path.join(outDir, `${entry.name}.zip`);
      await pipeline(zip.outputStream, createWriteStream(zipPath));
      return zipPath;
    }),
  );
}

if (require.main === module) runWithOutDir(path.join(REPOSITORY_ROOT, 'dist/lambda'), packageLambdas);
