import { spawn } from 'node:child_process';
import { expect, test } from '@jest/globals';
import { freePortsEnv, freshEnv, mongoUri, testDbName, testKeys, TEST_SERVICE_SECRET } from '@chirp/test-kit';
import { REPOSITORY_ROOT } from '@chirp/platform';


/** Runs a TypeScript entry point to its end; what it printed, and how it exited. */
function run(entry: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: REPOSITORY_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('when a process gets a bad setting, then it stops with one line naming the variable and exit code 1', async () => {
  const { code, stderr } = await run('subgraphs/posts/src/main.ts', freshEnv({ LOG_LEVEL: 'warn', MONGODB_URI: 'http://not-mongo' }));
  expect(code).toBe(1);
  expect(stderr.trim().split('\n')).toEqual([
    'posts-subgraph: invalid configuration: MONGODB_URI must be a mongodb:// or mongodb+srv:// connection string (got "http://not-mongo")',
  ]);
});

test('when a child of npm start fails, then everything stops, its error is shown, and the exit code is 1', async () => {
  const env = freshEnv({ LOG_LEVEL: 'warn', ...(await freePortsEnv()), BCRYPT_ROUNDS: '3' });
  const { code, stderr } = await run('tools/start.ts', env);
  expect(code).toBe(1);
  expect(stderr).toContain('auth-subgraph: invalid configuration: BCRYPT_ROUNDS must be an integer from 4 to 15 (got "3")');
  expect(stderr).toMatch(/auth stopped unexpectedly \(exit code 1\); stopping everything\./);
}, 60_000);

test('when npm start runs in production without keys, then it refuses to start and says which are missing', async () => {
  const { code, stderr } = await run('tools/start.ts', freshEnv({ LOG_LEVEL: 'warn', NODE_ENV: 'production' }));
  expect(code).toBe(1);
  expect(stderr).toContain('JWT_PRIVATE_KEY and JWT_PUBLIC_KEY must be set in production');
});

test.each(['subgraphs/posts/src/main.ts', 'gateway/src/main.ts'])('when %s is told to stop with SIGTERM, then it stops cleanly with exit code 0', async (entry) => {
  const { privateKey, publicKey } = testKeys();
  const env = freshEnv({
    ...(await freePortsEnv()),
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    MONGODB_URI: mongoUri(),
    POSTS_DB_NAME: testDbName('sigterm'),
    JWT_PRIVATE_KEY: privateKey,
    JWT_PUBLIC_KEY: publicKey,
    SERVICE_SECRET: TEST_SERVICE_SECRET,
  });
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: REPOSITORY_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // The gateway composes and listens without its subgraphs; a subgraph once its database is connected.
  while (!/ready"/.test(output) && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 100));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
}, 60_000);
