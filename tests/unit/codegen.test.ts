import { execFileSync } from 'node:child_process';
import { expect, test } from '@jest/globals';
import { REPOSITORY_ROOT } from '@chirp/platform';


test('when the resolver types are checked against schema/, then they match what codegen generates', () => {
  const output = execFileSync(process.execPath, ['--import', 'tsx', 'tools/codegen-check.ts'], { cwd: REPOSITORY_ROOT, encoding: 'utf8' });
  expect(output).toContain('4 generated files match schema/');
});
