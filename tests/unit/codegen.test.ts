import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from '@jest/globals';

const ROOT = path.resolve(__dirname, '../..');

test('when the resolver types are checked against schema/, then they match what codegen generates', () => {
  const output = execFileSync(process.execPath, ['--import', 'tsx', 'tools/codegen-check.ts'], { cwd: ROOT, encoding: 'utf8' });
  expect(output).toContain('4 generated files match schema/');
});
