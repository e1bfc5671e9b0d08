import { utimesSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, test } from '@jest/globals';
import { startSystemProcess, type SystemProcess } from '@chirp/test-kit';
import { REPOSITORY_ROOT } from '@chirp/platform';

let system: SystemProcess | undefined;

afterAll(() => {
  if (system?.child.exitCode === null) system.child.kill('SIGKILL');
});

test('when a service file changes under npm run dev, then that service restarts and answers again', async () => {
  system = await startSystemProcess({ env: { LOG_LEVEL: 'info' }, args: ['--watch'] });
  expect(system.output()).toContain('Watching for changes');

  const before = system.output().length;
  const now = new Date();
  utimesSync(path.join(REPOSITORY_ROOT, 'subgraphs/posts/src/main.ts'), now, now);
  await system.waitFor(/posts subgraph ready/, before);

  const response = await fetch(`${system.gatewayUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ post(id: "0123456789abcdef01234567") { id } }' }),
  });
  expect(await response.json()).toEqual({ data: { post: null } });
  expect(await system.stop()).toBe(0);
}, 90_000);
