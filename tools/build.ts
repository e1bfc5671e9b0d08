/**
 * `npm run build [-- --out <dir>]`: every process of the service registry as
 * JavaScript, in dist/<name>/: main.js (one bundle, tools/bundle.ts), worker.js
 * for a subgraph with stream workers, and the files they read at run time.
 * `node dist/<name>/main.js` starts the process with no node_modules and no
 * TypeScript; the Docker image runs these.
 */
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PROCESSES, type EntryKind, type ProcessEntry, REPOSITORY_ROOT } from '@chirp/platform';
import { bundleProcess, runWithOutDir } from './bundle';


/** Where the build puts a process's entry point: relative to the repository unless `outDir` is absolute. */
export function builtEntry(entry: ProcessEntry, outDir = 'dist'): string {
  return path.join(outDir, entry.name, 'main.js');
}

/** The entry points a process has: its server, and its stream workers alone where it has some. */
const kindsOf = (entry: ProcessEntry): EntryKind[] => ('workers' in entry && entry.workers ? ['main', 'worker'] : ['main']);

/** Builds every process into `outDir`, each folder laid anew; returns their entry points. */
export async function buildProcesses(outDir: string): Promise<string[]> {
  const built = await Promise.all(
    PROCESSES.map(async (entry) => {
      const directory = path.dirname(builtEntry(entry, outDir));
      await rm(directory, { recursive: true, force: true });
      await mkdir(directory, { recursive: true });
      const written: string[] = [];
      for (const kind of kindsOf(entry)) {
        const { code, files } = await bundleProcess(entry, kind);
        const file = path.join(directory, `${kind}.js`);
        await writeFile(file, code);
        for (const runtimeFile of files) {
          const target = path.join(directory, runtimeFile.target);
          await mkdir(path.dirname(target), { recursive: true });
          await copyFile(runtimeFile.source, target);
        }
        written.push(file);
      }
      return written;
    }),
  );
  return built.flat();
}

if (require.main === module) runWithOutDir(path.join(REPOSITORY_ROOT, 'dist'), buildProcesses);
