import { spawn, type ChildProcess } from 'node:child_process';
import { PROCESSES, REPOSITORY_ROOT } from '@chirp/platform';
import { freePort } from './free-port';

/** The caller's environment without what would point `npm start` at an existing system (database, keys, mode). */
export function freshEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['MONGODB_URI', 'JWT_PRIVATE_KEY', 'JWT_PUBLIC_KEY', 'SERVICE_SECRET', 'NODE_ENV']) delete env[name];
  return { ...env, ...overrides };
}

/** Every port npm start's processes listen on, free ones, so that several systems run side by side. */
export async function freePortsEnv(): Promise<Record<string, string>> {
  const names = PROCESSES.flatMap((entry) => [entry.portVariable, entry.metricsPortVariable]);
  const ports = new Set<number>();
  for (const _name of names) ports.add(await freePort(ports));
  return Object.fromEntries([...ports].map((port, index) => [names[index], String(port)]));
}

export interface SystemProcess {
  child: ChildProcess;
  gatewayUrl: string;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Resolves once the output after position `from` matches; rejects if the process exits first. */
  waitFor(pattern: RegExp, from?: number): Promise<void>;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * `npm start` (tools/start.ts) as a child process on free ports, with its own
 * embedded database and keys, resolved once it says it is running. `args`
 * go to start.ts (`--watch` is `npm run dev`).
 */
export async function startSystemProcess({ env = {}, args = [] }: { env?: NodeJS.ProcessEnv; args?: string[] } = {}): Promise<SystemProcess> {
  const ports = await freePortsEnv();
  const child = spawn(process.execPath, ['--import', 'tsx', 'tools/start.ts', ...args], {
    cwd: REPOSITORY_ROOT,
    env: freshEnv({ ...ports, ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const waitFor = (pattern: RegExp, from = 0) =>
    new Promise<void>((resolve, reject) => {
      const onExit = (code: number | null) => {
        clearInterval(timer);
        reject(new Error(`tools/start.ts exited with ${code}:\n${output}`));
      };
      const timer = setInterval(() => {
        if (!pattern.test(output.slice(from))) return;
        clearInterval(timer);
        child.off('exit', onExit);
        resolve();
      }, 100);
      child.once('exit', onExit);
    });

  await waitFor(/Chirp is running/);
  return {
    child,
    gatewayUrl: `http://127.0.0.1:${ports.PORT}`,
    output: () => output,
    waitFor,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}
