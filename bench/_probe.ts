// Scratch probe (not committed): the timeline worker's first start on the quick dataset.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { REPOSITORY_ROOT, SUBGRAPHS, sourceEntry, subgraphEntry, generateTokenKeyPair, generateServiceSecret } from '@chirp/platform';
import { freePortsEnv } from '@chirp/test-kit/system-process';
import { seedDataset } from './seed';

const DB_NAMES = Object.fromEntries(SUBGRAPHS.map((s) => [s.name, `bench_${s.name}`])) as { auth: string; users: string; posts: string };
const users = Number(process.env.PROBE_USERS ?? 200);
const history = process.env.PROBE_HISTORY;
async function main() {
  const mongo = spawn(process.execPath, ['--import', 'tsx', path.join(REPOSITORY_ROOT, 'packages/embedded-mongo/cli.ts'), '--port', '0', ...(history ? ['--change-stream-history', history] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  const uri = await new Promise<string>((r) => mongo.stdout!.once('data', (c: Buffer) => r(c.toString().trim())));
  const t0 = Date.now();
  await seedDataset(uri, DB_NAMES, { users, posts: users * 25, followsPerUser: 20 });
  console.log('seeded', (Date.now() - t0) / 1000);
  const ports = await freePortsEnv();
  const keys = generateTokenKeyPair();
  const posts = subgraphEntry('posts');
  const env = { ...process.env, NODE_ENV: 'production', MONGODB_URI: uri, JWT_PRIVATE_KEY: keys.privateKey, JWT_PUBLIC_KEY: keys.publicKey, SERVICE_SECRET: generateServiceSecret(), ...ports, POSTS_DB_NAME: DB_NAMES.posts, USERS_DB_NAME: DB_NAMES.users, AUTH_DB_NAME: DB_NAMES.auth };
  const child = spawn(process.execPath, [...(process.env.PROBE_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/probe/prof'] : []), '--import', 'tsx', path.join(REPOSITORY_ROOT, sourceEntry(posts))], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout!.pipe(createWriteStream('/tmp/probe/posts.log'));
  const t1 = Date.now();
  const metricsPort = ports[posts.metricsPortVariable];
  for (;;) {
    await new Promise((r) => setTimeout(r, 5000));
    try {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const lines = text.split('\n').filter((l) => /^chirp_stream_worker_rebuilds_total|^chirp_stream_events_total/.test(l));
      console.log(((Date.now() - t1) / 1000).toFixed(0), lines.join(' | '));
      if (lines.some((l) => /history lost/.test(l)) || Date.now() - t1 > Number(process.env.PROBE_SECONDS ?? 600) * 1000) break;
    } catch (e) { console.log('metrics', String(e)); }
  }
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  mongo.kill('SIGKILL');
  process.exit(0);
}
void main();
