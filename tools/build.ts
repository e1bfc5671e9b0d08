/**
 * `npm run build [-- --out <dir>]`: every process of the service registry as
 * JavaScript, in dist/<name>/: main.js (one bundle, tools/bundle.ts) and the
 * files it reads at run time. `node dist/<name>/main.js` starts the process
 * with no node_modules and no TypeScript; the Docker image runs these.
 */
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PROCESSES, type ProcessEntry, REPOSITORY_ROOT } from '@chirp/platform';
import { bundleProcess, runWithOutDir } from './bundle';


/** Where the build puts a process's entry point: relative to the repository unless `outDir` is absolute. */
export function builtEntry(entry: ProcessEntry, outDir = 'dist'): string {
  return path.join(outDir, entry.name, 'main.js');
}

/** Builds every process into `outDir`, each folder laid anew; returns their entry points. */
export async function buildProcesses(outDir: string): Promise<string[]> {
  return Promise.all(
    PROCESSES.map(async (entry) => {
      const { code, files } = await bundleProcess(entry, 'main');
      const main = builtEntry(entry, outDir);
      const directory = path.dirname(main);
      await rm(directory, { recursive: true, force: true });
      await mkdir(directory, { recursive: true });
      await writeFile(main, code);
      for (const file of files) {
        const target = path.join(directory, file.target);
        await mkdir(path.dirname(target), { recursive: true });
        await copyFile(file.source, target);
      }
      return main;
    }),
  );
}

if (require.main === module) runWithOutDir(path.join(REPOSITORY_ROOT, 'dist'), buildProcesses);
