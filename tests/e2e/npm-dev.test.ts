import { spawn, type ChildProcess } from 'node:child_process';
import { utimesSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, test } from '@jest/globals';
import { freePort } from '../helpers/free-port';

const ROOT = path.resolve(__dirname, '../..');
let child: ChildProcess | undefined;

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

/** Resolves once `output()` matches, or rejects when the process exits first. */
function waitFor(output: () => string, pattern: RegExp, from = 0): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (pattern.test(output().slice(from))) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
    child!.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`exited with ${code}:\n${output()}`));
    });
  });
}

test('when a service file changes under npm run dev, then that service restarts and answers again', async () => {
  const [gateway, auth, posts, users] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: `${gateway}`, AUTH_PORT: `${auth}`, POSTS_PORT: `${posts}`, USERS_PORT: `${users}`, LOG_LEVEL: 'info' };
  delete env.MONGODB_URI;
  child = spawn(process.execPath, ['--import', 'tsx', 'tools/start.ts', '--watch'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(() => output, /Watching for changes/);

  const before = output.length;
  const now = new Date();
  utimesSync(path.join(ROOT, 'subgraphs/posts/src/main.ts'), now, now);
  await waitFor(() => output, /posts subgraph ready/, before);

  const response = await fetch(`http://127.0.0.1:${gateway}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ post(id: "0123456789abcdef01234567") { id } }' }),
  });
  expect(await response.json()).toEqual({ data: { post: null } });

  const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
}, 90_000);
