// Scratch probe (not committed): where the time of one fan-out goes, mongo and posts profiled.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose, { Types } from 'mongoose';
import { REPOSITORY_ROOT, SUBGRAPHS, sourceEntry, subgraphEntry, generateTokenKeyPair, generateServiceSecret } from '@chirp/platform';
import { freePortsEnv } from '@chirp/test-kit/system-process';
import { seedDataset } from './seed';

const DB = Object.fromEntries(SUBGRAPHS.map((s) => [s.name, `bench_${s.name}`])) as { auth: string; users: string; posts: string };
const FOLLOWERS = Number(process.env.PROBE_FOLLOWERS ?? 10000);
const POLL = Number(process.env.PROBE_POLL ?? 20);
const PROF = process.env.PROBE_PROF === '1';
const cpu = (child: ChildProcess) => {
  const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function main() {
  const mongo = spawn(process.execPath, [...(PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/probe/mongo-prof'] : []), '--import', 'tsx', path.join(REPOSITORY_ROOT, 'packages/embedded-mongo/cli.ts'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const uri = await new Promise<string>((r) => mongo.stdout!.once('data', (c: Buffer) => r(c.toString().trim())));
  await seedDataset(uri, DB, { users: 200, posts: 5000, followsPerUser: 20 });
  const ports = await freePortsEnv();
  const keys = generateTokenKeyPair();
  const postsEntry = subgraphEntry('posts');
  const env = { ...process.env, NODE_ENV: 'production', MONGODB_URI: uri, JWT_PRIVATE_KEY: keys.privateKey, JWT_PUBLIC_KEY: keys.publicKey, SERVICE_SECRET: generateServiceSecret(), ...ports, POSTS_DB_NAME: DB.posts, USERS_DB_NAME: DB.users, AUTH_DB_NAME: DB.auth };
  const posts = spawn(process.execPath, [...(PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/probe/posts-prof'] : []), '--import', 'tsx', path.join(REPOSITORY_ROOT, sourceEntry(postsEntry))], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  posts.stdout!.pipe(createWriteStream('/tmp/probe/posts.log'));
  await sleep(8000);
  const usersDb = await mongoose.createConnection(uri, { dbName: DB.users }).asPromise();
  const postsDb = await mongoose.createConnection(uri, { dbName: DB.posts }).asPromise();
  const author = new Types.ObjectId();
  const followers = Array.from({ length: FOLLOWERS }, () => new Types.ObjectId());
  let t = performance.now();
  for (let i = 0; i < FOLLOWERS; i += 5000) await usersDb.collection('follows').insertMany(followers.slice(i, i + 5000).map((followerId) => ({ followerId, followeeId: author, createdAt: new Date() })));
  while ((await postsDb.collection('follow_edges').countDocuments({ followeeId: author })) < FOLLOWERS) await sleep(100);
  console.log(`projection of ${FOLLOWERS}: ${(performance.now() - t).toFixed(0)} ms`);
  await sleep(1000);
  let [m0, p0] = [cpu(mongo), cpu(posts)];
  await sleep(3000);
  console.log(`idle 3 s: mongo ${cpu(mongo) - m0} ms CPU, posts ${cpu(posts) - p0} ms CPU`);
  for (const poll of [POLL, 250]) {
    [m0, p0] = [cpu(mongo), cpu(posts)];
    const times: string[] = [];
    for (let k = 0; k < 5; k++) {
      const _id = new Types.ObjectId();
      t = performance.now();
      await postsDb.collection('posts').insertOne({ _id, authorId: author, content: 'x', likeCount: 0, commentCount: 0, editedAt: null, createdAt: new Date(), updatedAt: new Date() });
      let first = 0;
      for (;;) {
        const n = await postsDb.collection('timeline_entries').countDocuments({ postId: _id });
        if (n > 0 && !first) first = performance.now() - t;
        if (n >= FOLLOWERS + 1) break;
        await sleep(poll);
      }
      times.push(`${first.toFixed(0)}/${(performance.now() - t).toFixed(0)}`);
      await sleep(200);
    }
    console.log(`poll ${poll} ms: first/last entry ms ${times.join(' ')}; CPU per post mongo ${(cpu(mongo) - m0) / 5} ms, posts ${(cpu(posts) - p0) / 5} ms`);
  }
  await usersDb.close();
  await postsDb.close();
  posts.kill('SIGTERM');
  await new Promise((r) => posts.once('exit', r));
  mongo.kill('SIGTERM');
  await new Promise((r) => mongo.once('exit', r));
  process.exit(0);
}
void main();
