/**
 * Exits 1, naming the files, when the committed resolver types differ from
 * what `npm run codegen` would generate from schema/ now.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generate } from '@graphql-codegen/cli';
import config from '../codegen';
import { REPOSITORY_ROOT } from '@chirp/platform';


async function main(): Promise<void> {
  const outputs: { filename: string; content: string }[] = await generate({ ...config, cwd: REPOSITORY_ROOT, silent: true }, false);
  const stale = outputs.filter((output) => readFileSync(path.join(REPOSITORY_ROOT, output.filename), 'utf8') !== output.content);
  if (stale.length > 0) {
    console.error(`Stale generated files (run npm run codegen): ${stale.map((output) => output.filename).join(', ')}`);
    process.exit(1);
  }
  console.log(`${outputs.length} generated files match schema/`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
