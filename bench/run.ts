/**
 * `npm run bench`: the whole system as separate processes (so each has its own
 * core time, as in production), a seeded dataset, then autocannon against each
 * scenario in turn, the same connections and duration for all, in one run.
 *
 *   npm run bench                 # 1,000 users, 100,000 posts, 20 s per scenario; feeds at 10, 1,000, 5,000 follows; fan-out to 10,000
 *   npm run bench -- --quick      # 200 users, 5,000 posts, 4 s per scenario; feeds at 10, 200, 1,000 follows; fan-out to 1,000
 *   npm run bench -- --profile    # also CPU profiles of the gateway and the subgraphs, summarised
 *
 * MONGODB_URI points it at a real MongoDB (databases bench_auth, bench_users,
 * bench_posts, dropped first); without it the embedded server runs as a child.
 * Writes the results (bench/results.json, committed, for a full run;
 * bench/results-quick.json, not, for --quick) and their table in
 * docs/BENCHMARKS.md; a full run also redraws the charts there (bench/charts.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import mongoose from 'mongoose';
import { FEED as REST_FEED } from '@chirp/gateway/rest/posts-routes';
import {
  generateTokenKeyPair,
  createCredentialSigner,
  generateServiceSecret,
  GATEWAY,
  localSubgraphUrl,
  PROCESSES,
  SERVICE_CREDENTIAL_HEADER,
  sourceEntry,
  subgraphEntry,
  SUBGRAPHS,
  type ProcessEntry,
  type SubgraphName,
  REPOSITORY_ROOT,
} from '@chirp/platform';
import { waitUntilHealthy } from '../tools/wait-until-healthy';
// Not the package's index: that loads jest's globals, which exist only under jest.
import { freePortsEnv } from '@chirp/test-kit/system-process';
import { eventually } from '@chirp/test-kit/eventually';
import { graphqlClient } from '@chirp/test-kit/graphql-client';
import { RESULTS_FILE as FULL_RESULTS_FILE, writeCharts } from './charts';
import { profileMarkdown, summariseProfile, type ProfileSummary } from './profile-summary';
import { seedDataset, signInDirectly, type DatasetSize } from './seed';
import { FAN_OUT_POLL_MS, measureFanOut, percentile, seedTimelineAccounts, setUpTimelines, type FanOutSample, type TimelineSize } from './timelines';

const DOC_FILE = path.join(REPOSITORY_ROOT, 'docs/BENCHMARKS.md');
const PROFILE_DIR = path.join(REPOSITORY_ROOT, 'bench/profiles');
const DB_NAMES = Object.fromEntries(SUBGRAPHS.map((subgraph) => [subgraph.name, `bench_${subgraph.name}`])) as Record<SubgraphName, string>;
const CONNECTIONS = 10;
const COUNTED_FEED_REQUESTS = 10;

const { values: flags } = parseArgs({ options: { quick: { type: 'boolean' }, profile: { type: 'boolean' } } });
const quick = flags.quick ?? false;
// The charts sit beside the full run's tables: a quick run's figures go elsewhere, so as not to replace what they are drawn from.
const RESULTS_FILE = path.join(REPOSITORY_ROOT, quick ? 'bench/results-quick.json' : FULL_RESULTS_FILE);
const SIZE: DatasetSize = quick ? { users: 200, posts: 5_000, followsPerUser: 20 } : { users: 1_000, posts: 100_000, followsPerUser: 100 };
const SECONDS = quick ? { warmUp: 1, measure: 4 } : { warmUp: 5, measure: 20 };
const TIMELINES: TimelineSize = quick
  ? { viewerFollows: [10, 200, 1_000], posters: 5, postsEach: 6, fanOutFollowers: 1_000, fanOutPosts: 5 }
  : { viewerFollows: [10, 1_000, 5_000], posters: 5, postsEach: 6, fanOutFollowers: 10_000, fanOutPosts: 20 };

const children: ChildProcess[] = [];
const processes = new Map<string, ChildProcess>();
/** Linux's USER_HZ, which /proc/<pid>/stat counts CPU time in. */
const CLOCK_TICKS = 100;
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));

function launch(name: string, entry: string, env: NodeJS.ProcessEnv, { nodeFlags = [] as string[], args = [] as string[] } = {}): ChildProcess {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', path.join(REPOSITORY_ROOT, entry), ...args], {
    cwd: REPOSITORY_ROOT,
    env,
    // Service logs would drown the report; their errors still show.
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout!.resume();
  children.push(child);
  processes.set(name, child);
  return child;
}

/** CPU time (user + system) a child has used so far, in ms; empty where /proc is missing. */
function cpuTimes(): Map<string, number> {
  const times = new Map<string, number>();
  for (const [name, child] of processes) {
    try {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      times.set(name, ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS);
    } catch {
      // Not Linux: the report goes without CPU shares.
    }
  }
  return times;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

async function startMongo(): Promise<string> {
  if (process.env.MONGODB_URI) {
    const client = await mongoose.createConnection(process.env.MONGODB_URI).asPromise();
    for (const dbName of Object.values(DB_NAMES)) await client.useDb(dbName).dropDatabase();
    await client.close();
    return process.env.MONGODB_URI;
  }
  const mongo = launch('mongodb', 'packages/embedded-mongo/cli.ts', process.env, { args: ['--port', '0'] });
  return new Promise((resolve, reject) => {
    mongo.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    mongo.once('exit', (code) => reject(new Error(`the embedded MongoDB exited (${code})`)));
  });
}

interface Measured {
  label: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Non-2xx answers, GraphQL errors and socket errors: a scenario with any is not measuring what it claims. */
  failures: number;
  /** CPU ms each process spent per request: where a scenario's time goes. */
  cpuMsPerRequest: Record<string, number>;
}

interface Request {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

async function measure(label: string, base: string, next: () => Request, seconds: number): Promise<Measured> {
  let failures = 0;
  const cpuBefore = cpuTimes();
  const result = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        setupRequest: (request) => ({ ...request, ...next() }),
        onResponse: (status, body) => {
          if (status >= 300 || body.includes('"errors"')) failures++;
        },
      },
    ],
  });
  return {
    label,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    failures: failures + result.errors + result.timeouts,
    cpuMsPerRequest: Object.fromEntries(
      [...cpuTimes()].map(([name, ms]) => [name, Math.round((100 * (ms - (cpuBefore.get(name) ?? 0))) / result.requests.total) / 100]),
    ),
  };
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const graphqlBody = (query: string, variables: Record<string, unknown>) => JSON.stringify({ query, variables });

const USER = 'query User($id: ID!) { user(id: $id) { username } }';
const FEED = 'query Feed($first: Int!) { me { feed(first: $first) { edges { node { id content author { username } likeCount commentCount likedByViewer } } } } }';
/** What GET /posts-api/v1/feed runs, so (c) compares the REST adapter with nothing else. */
const REST_EQUIVALENT_FEED = REST_FEED.document;
const CREATE_POST = 'mutation CreatePost($content: String!) { createPost(input: { content: $content }) { id } }';
/** Issue 13's feed: one page of a home timeline, with each post's author. */
const TIMELINE_FEED = 'query TimelineFeed($first: Int!) { me { feed(first: $first) { edges { node { id content author { username } } } } } }';

/** MongoDB commands so far by command name (count, seconds), from /metrics on the given metrics ports. */
async function mongoCommandStats(ports: number[]): Promise<Map<string, { count: number; seconds: number }>> {
  const stats = new Map<string, { count: number; seconds: number }>();
  for (const port of ports) {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    for (const [, kind, labels, value] of text.matchAll(/^chirp_mongodb_command_duration_seconds_(count|sum)\{([^}]*)\} (\S+)/gm)) {
      const command = /command="([^"]*)"/.exec(labels!)?.[1] ?? '?';
      const entry = stats.get(command) ?? { count: 0, seconds: 0 };
      if (kind === 'count') entry.count += Number(value);
      else entry.seconds += Number(value);
      stats.set(command, entry);
    }
  }
  return stats;
}

/**
 * The subgraphs' MongoDB commands so far, from /metrics on their metrics ports, but for those the posts
 * subgraph's idle timeline worker sends twice a second, which the same metrics count (no request sends
 * them: a feed's reads fit their first batch, and it writes nothing): its change streams' waiting
 * getMores and the lease renewals (findAndModify) after each.
 */
const WORKER_COMMANDS = new Set(['getMore', 'findAndModify']);
async function mongoCommands(ports: number[]): Promise<number> {
  return [...(await mongoCommandStats(ports))].reduce((sum, [command, { count }]) => sum + (WORKER_COMMANDS.has(command) ? 0 : count), 0);
}

/** Passes once the posts subgraph's timeline worker holds its lease, i.e. reads the streams. */
async function timelineWorkerRunning(metricsPort: number): Promise<void> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  if (!/^chirp_stream_worker_lease_held\{[^}]*worker="timelines"[^}]*\} 1$/m.test(text)) throw new Error('the timeline worker does not hold its lease yet');
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown'}`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    mongodb: process.env.MONGODB_URI ? 'MongoDB at MONGODB_URI' : 'embedded in-memory server (packages/embedded-mongo)',
  };
}

const cpuShares = (s: Measured) => Object.entries(s.cpuMsPerRequest).map(([name, ms]) => `${name} ${ms}`).join(', ');

const TARGETS = { gatewayVsDirect: 0.35, feedVsUser: 0.4, restVsGraphql: 0.9 };
/** Issue 13: feed p50 at the most follows at most 1.5× that at the fewest; that feed ≥ 40 % of (a) through the gateway; fan-out p99 under 2 s. */
const TIMELINE_TARGETS = { p50Growth: 1.5, feedVsUser: 0.4, fanOutP99Ms: 2000 };

function summariseFanOut(samples: FanOutSample[]) {
  const of = (pick: (sample: FanOutSample) => number) => {
    const values = samples.map(pick);
    return { p50: Math.round(percentile(values, 0.5)), p99: Math.round(percentile(values, 0.99)), max: Math.round(Math.max(...values)) };
  };
  return { lastEntryMs: of((s) => s.lastEntryMs), firstEntryMs: of((s) => s.firstEntryMs), createMs: of((s) => s.createMs) };
}

type FanOutResult = ReturnType<typeof summariseFanOut> & {
  followers: number;
  posts: number;
  pollMs: number;
  postsMongoCommandsPerPost: Record<string, { count: number; ms: number }>;
  cpuMsPerPost: Record<string, number>;
};

const fanOutLine = (f: FanOutResult) =>
  `last entry p50 ${f.lastEntryMs.p50} ms, p99 ${f.lastEntryMs.p99} ms (max ${f.lastEntryMs.max}); first entry (the author's own) p50 ${f.firstEntryMs.p50} ms; ` +
  `createPost answered p50 ${f.createMs.p50} ms. Per post: posts process's MongoDB commands ${Object.entries(f.postsMongoCommandsPerPost)
    .map(([command, { count, ms }]) => `${command} ${count} (${ms} ms)`)
    .join(', ')}; CPU ms ${Object.entries(f.cpuMsPerPost).map(([name, ms]) => `${name} ${ms}`).join(', ')}`;

function resultsMarkdown(results: {
  command: string;
  date: string;
  machine: ReturnType<typeof machine>;
  dataset: Record<string, number>;
  scenarios: Measured[];
  ratios: Record<keyof typeof TARGETS, number>;
  mongoCommandsPerFeed: { first20: number; first100: number };
  timelines: {
    size: TimelineSize;
    feeds: { follows: number; requestsPerSecond: number; p50Ms: number; p99Ms: number; shareOfUserLookup: number }[];
    p50Growth: number;
    fanOut: FanOutResult;
  };
}): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');
  const n = (x: number) => x.toLocaleString('en');
  const { ratios, mongoCommandsPerFeed: counts, timelines } = results;
  const [fewest, most] = [timelines.feeds[0]!, timelines.feeds.at(-1)!];
  const { fanOut } = timelines;
  return [
    `\`${results.command}\`, ${results.date}. Machine: ${results.machine.cpu}, ${results.machine.memory}, ${results.machine.os}, Node ${results.machine.node}; ${results.machine.mongodb}.`,
    `Dataset: ${Object.entries(results.dataset).map(([name, n]) => `${n.toLocaleString('en')} ${name}`).join(', ')}. ${CONNECTIONS} connections, ${SECONDS.measure} s per scenario after ${SECONDS.warmUp} s of warm-up.`,
    `Home timelines: ${n(Math.max(timelines.size.fanOutFollowers, ...timelines.size.viewerFollows))} more accounts; viewers following ${timelines.size.viewerFollows.map(n).join(', ')} of them (edges written into \`follows\`), ${timelines.size.posters} of the followed posting ${timelines.size.postsEach} posts each through the gateway; an author with ${n(timelines.size.fanOutFollowers)} of them as followers.`,
    '',
    '| scenario | requests/s | p50 ms | p99 ms | requests | failures | CPU ms per request by process |',
    '|---|---:|---:|---:|---:|---:|---|',
    ...results.scenarios.map((s) => `| ${s.label} | ${s.requestsPerSecond} | ${s.p50Ms} | ${s.p99Ms} | ${s.requests} | ${s.failures} | ${cpuShares(s)} |`),
    '',
    '| target | measured | |',
    '|---|---:|---|',
    `| (a) gateway ≥ 35 % of direct auth subgraph | ${pct(ratios.gatewayVsDirect)} | ${verdict(ratios.gatewayVsDirect >= TARGETS.gatewayVsDirect)} |`,
    `| (b) feed page ≥ 40 % of (a) through the gateway | ${pct(ratios.feedVsUser)} | ${verdict(ratios.feedVsUser >= TARGETS.feedVsUser)} |`,
    `| (c) REST feed ≥ 90 % of the GraphQL feed | ${pct(ratios.restVsGraphql)} | ${verdict(ratios.restVsGraphql >= TARGETS.restVsGraphql)} |`,
    `| MongoDB commands per feed request, 20 vs 100 | ${counts.first20} vs ${counts.first100} | ${verdict(counts.first20 === counts.first100)} |`,
    `| (e) home timeline feed p50 at ${n(most.follows)} follows ≤ 1.5× at ${n(fewest.follows)} | ${most.p50Ms} vs ${fewest.p50Ms} ms: ${timelines.p50Growth}× | ${verdict(timelines.p50Growth <= TIMELINE_TARGETS.p50Growth)} |`,
    `| (e) home timeline feed at ${n(most.follows)} follows ≥ 40 % of (a) through the gateway | ${pct(most.shareOfUserLookup)} (${timelines.feeds.map((f) => `${n(f.follows)}: ${pct(f.shareOfUserLookup)}`).join(', ')}) | ${verdict(most.shareOfUserLookup >= TIMELINE_TARGETS.feedVsUser)} |`,
    `| (f) fan-out of one post to ${n(fanOut.followers)} followers, p99 < 2 s (${fanOut.posts} posts) | p99 ${fanOut.lastEntryMs.p99} ms, p50 ${fanOut.lastEntryMs.p50} ms | ${verdict(fanOut.lastEntryMs.p99 < TIMELINE_TARGETS.fanOutP99Ms)} |`,
    '',
    `(f) in detail, from sending createPost through the gateway, \`timeline_entries\` of the post counted every ${fanOut.pollMs} ms: ${fanOutLine(fanOut)}.`,
  ].join('\n');
}

/** Replaces the text between `<!-- name -->` and `<!-- /name -->` in docs/BENCHMARKS.md, or appends the block. */
function writeDocBlock(name: string, body: string): void {
  const [open, close] = [`<!-- ${name} -->`, `<!-- /${name} -->`];
  const block = `${open}\n${body}\n${close}`;
  const doc = existsSync(DOC_FILE) ? readFileSync(DOC_FILE, 'utf8') : '# Benchmarks\n';
  const start = doc.indexOf(open);
  const end = doc.indexOf(close);
  writeFileSync(DOC_FILE, start >= 0 && end > start ? doc.slice(0, start) + block + doc.slice(end + close.length) : `${doc.trimEnd()}\n\n${block}\n`);
}

async function main(): Promise<void> {
  const started = Date.now();
  const keys = generateTokenKeyPair();
  const ports = await freePortsEnv();
  const portOf = (entry: ProcessEntry) => Number(ports[entry.portVariable]);
  const serviceSecret = generateServiceSecret();
  const mongodbUri = await startMongo();
  console.log(`MongoDB at ${mongodbUri}; seeding ${JSON.stringify(SIZE)}…`);
  const dataset = await seedDataset(mongodbUri, DB_NAMES, SIZE);
  const timelineAccounts = await seedTimelineAccounts(mongodbUri, DB_NAMES.auth, TIMELINES);
  console.log(`seeded ${JSON.stringify(dataset.counts)} and ${timelineAccounts.pool.length + timelineAccounts.viewers.length + 1} timeline accounts in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    RATE_LIMIT_ENABLED: 'false',
    MONGODB_URI: mongodbUri,
    JWT_PRIVATE_KEY: keys.privateKey,
    JWT_PUBLIC_KEY: keys.publicKey,
    ...ports,
    SERVICE_SECRET: serviceSecret,
    ...Object.fromEntries(
      SUBGRAPHS.flatMap((subgraph) => [
        [subgraph.dbVariable, DB_NAMES[subgraph.name]],
        [subgraph.urlVariable, localSubgraphUrl(subgraph, portOf(subgraph))],
      ]),
    ),
  };
  const subgraphMetricsPorts = SUBGRAPHS.map((subgraph) => Number(ports[subgraph.metricsPortVariable]));
  if (flags.profile) rmSync(PROFILE_DIR, { recursive: true, force: true });
  const profiled = (name: string) => ({ nodeFlags: flags.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(PROFILE_DIR, name)}`] : [] });
  for (const subgraph of SUBGRAPHS) launch(subgraph.name, sourceEntry(subgraph), env, profiled(subgraph.name));
  // The seed gave the timeline worker its positions: a rebuild would share the database with every scenario.
  let rebuilt = false;
  processes.get('posts')!.stdout!.on('data', (chunk: Buffer) => (rebuilt ||= chunk.toString().includes('rebuilding what the worker derives')));
  const noRebuild = () => {
    if (rebuilt) throw new Error('the timeline worker rebuilt its timelines during the bench (see bench/seed.ts, which should have spared it that)');
  };
  await Promise.all(SUBGRAPHS.map((subgraph) => waitUntilHealthy(subgraph.name, portOf(subgraph))));
  const gateway = launch(GATEWAY.name, sourceEntry(GATEWAY), env, profiled(GATEWAY.name));
  await waitUntilHealthy(GATEWAY.name, portOf(GATEWAY));
  console.log(`system up after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const postsMetricsPort = Number(ports[subgraphEntry('posts').metricsPortVariable]);
  await eventually(() => timelineWorkerRunning(postsMetricsPort), { timeoutMs: 60_000, intervalMs: 200 });
  noRebuild();

  const bearerOf = await signInDirectly(mongodbUri, DB_NAMES.auth, keys.privateKey, [
    ...dataset.userIds,
    ...[...timelineAccounts.pool, ...timelineAccounts.viewers, timelineAccounts.author].map(String),
  ]);
  const tokens = dataset.userIds.map((id) => bearerOf.get(id)!);
  const json = { 'content-type': 'application/json' };
  const direct = `http://127.0.0.1:${portOf(subgraphEntry('auth'))}`;
  const viaGateway = `http://127.0.0.1:${portOf(GATEWAY)}`;
  // A direct subgraph call carries the service credential, as the gateway's do (the gateway ignores it).
  const signCredential = createCredentialSigner(serviceSecret, 'bench');
  const graphql = (query: string, variables: () => Record<string, unknown>, signedIn: boolean | (() => string)) => (): Request => ({
    method: 'POST',
    path: '/graphql',
    headers: {
      ...json,
      [SERVICE_CREDENTIAL_HEADER]: signCredential(null),
      ...(signedIn ? { authorization: signedIn === true ? pick(tokens) : signedIn() } : {}),
    },
    body: graphqlBody(query, variables()),
  });
  const anyUser = () => ({ id: pick(dataset.userIds) });

  // MongoDB commands per feed request, read from the subgraphs' own metrics. One viewer, with one
  // uncounted request first: the gateway checks a token's account exists once, then remembers it.
  const viewer = { ...json, authorization: tokens[0]! };
  const feedRequest = (first: number) =>
    fetch(`${viaGateway}/graphql`, { method: 'POST', headers: viewer, body: graphqlBody(FEED, { first }) }).then((response) => response.text());
  await feedRequest(20);
  const commandsPerFeed = async (first: number) => {
    const before = await mongoCommands(subgraphMetricsPorts);
    for (let i = 0; i < COUNTED_FEED_REQUESTS; i++) {
      const body = await feedRequest(first);
      if (body.includes('"errors"')) throw new Error(`feed(first: ${first}) failed: ${body}`);
    }
    return ((await mongoCommands(subgraphMetricsPorts)) - before) / COUNTED_FEED_REQUESTS;
  };
  const mongoCommandsPerFeed = { first20: await commandsPerFeed(20), first100: await commandsPerFeed(100) };
  console.log(`MongoDB commands per feed request: first 20 -> ${mongoCommandsPerFeed.first20}, first 100 -> ${mongoCommandsPerFeed.first100}`);

  // Steady state: the gateway checks each token's session once, then again only every SESSION_CHECK_SECONDS;
  // without this, the first scenario signed in would pay that first check for most of the users.
  for (let i = 0; i < tokens.length; i += CONNECTIONS) {
    await Promise.all(
      tokens.slice(i, i + CONNECTIONS).map((authorization) =>
        fetch(`${viaGateway}/graphql`, { method: 'POST', headers: { ...json, authorization }, body: graphqlBody('{ me { id } }', {}) }),
      ),
    );
  }

  // Home timelines (issue 13): follow edges written into the users database, projected by the worker,
  // posts fanned out to three viewers following 10, 1,000 and 5,000 accounts (fewer in --quick).
  const tokenOf = (id: { toString(): string }) => bearerOf.get(String(id))!.slice('Bearer '.length);
  const timelineBench = {
    uri: mongodbUri,
    dbNames: DB_NAMES,
    accounts: timelineAccounts,
    size: TIMELINES,
    graphql: graphqlClient(`${viaGateway}/graphql`),
    tokenOf,
  };
  const timelineSetUp = await setUpTimelines({ ...timelineBench, log: console.log });
  const viewerTokens = timelineAccounts.viewers.map((id) => `Bearer ${tokenOf(id)}`);

  const scenarios: [string, string, () => Request][] = [
    ['(a) user(id) { username }, auth subgraph directly', direct, graphql(USER, anyUser, false)],
    ['(a) user(id) { username }, through the gateway', viaGateway, graphql(USER, anyUser, false)],
    ['(b) feed page of 20 with author, counts, likedByViewer (GraphQL)', viaGateway, graphql(FEED, () => ({ first: 20 }), true)],
    ['(c) REST GET /posts-api/v1/feed', viaGateway, () => ({ method: 'GET', path: '/posts-api/v1/feed', headers: { authorization: pick(tokens) } })],
    ['(c) the same feed page in GraphQL', viaGateway, graphql(REST_EQUIVALENT_FEED, () => ({ first: 20 }), true)],
    ...TIMELINES.viewerFollows.map((follows, v): [string, string, () => Request] => [
      `(e) home timeline, feed(first: 20) { id content author { username } }, viewer following ${follows.toLocaleString('en')}`,
      viaGateway,
      graphql(TIMELINE_FEED, () => ({ first: 20 }), () => viewerTokens[v]!),
    ]),
  ];
  const measured: Measured[] = [];
  const run = async (label: string, base: string, next: () => Request) => {
    await measure(label, base, next, SECONDS.warmUp);
    const result = await measure(label, base, next, SECONDS.measure);
    console.log(`${label}: ${result.requestsPerSecond} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms; CPU ms/request: ${cpuShares(result)}${result.failures ? `, ${result.failures} FAILURES` : ''}`);
    measured.push(result);
    return result;
  };
  for (const [label, base, next] of scenarios) await run(label, base, next);

  // Fan-out of one post to fanOutFollowers timelines, timed alone (before (d), whose posts the worker
  // fans out for a long while after), with the worker's MongoDB commands and each process's CPU around it.
  console.log(`fan-out: ${TIMELINES.fanOutPosts} posts by an author with ${TIMELINES.fanOutFollowers.toLocaleString('en')} followers, one at a time…`);
  const [commandsBefore, cpuBefore] = [await mongoCommandStats([postsMetricsPort]), cpuTimes()];
  const fanOutSamples = await measureFanOut(timelineBench);
  const [commandsAfter, cpuAfter] = [await mongoCommandStats([postsMetricsPort]), cpuTimes()];
  const perPost = (x: number) => Math.round((10 * x) / fanOutSamples.length) / 10;
  const fanOut = {
    followers: TIMELINES.fanOutFollowers,
    posts: fanOutSamples.length,
    pollMs: FAN_OUT_POLL_MS,
    ...summariseFanOut(fanOutSamples),
    samples: fanOutSamples.map((sample) => Object.fromEntries(Object.entries(sample).map(([name, ms]) => [name, Math.round(ms)])) as unknown as FanOutSample),
    /** The posts process's MongoDB commands per post (the worker's, and createPost's one insert), by command. */
    postsMongoCommandsPerPost: Object.fromEntries(
      [...commandsAfter]
        .map(([command, { count, seconds }]) => {
          const before = commandsBefore.get(command) ?? { count: 0, seconds: 0 };
          return [command, { count: perPost(count - before.count), ms: perPost(1000 * (seconds - before.seconds)) }] as const;
        })
        .filter(([, { count }]) => count > 0),
    ),
    cpuMsPerPost: Object.fromEntries([...cpuAfter].map(([name, ms]) => [name, perPost(ms - (cpuBefore.get(name) ?? 0))])),
  };
  console.log(`fan-out to ${fanOut.followers.toLocaleString('en')}: ${fanOutLine(fanOut)}`);

  await run('(d) createPost', viaGateway, graphql(CREATE_POST, () => ({ content: `Bench post at ${Date.now()}` }), true));
  noRebuild();

  // Profiles are written as each process exits.
  await stop(gateway);
  await Promise.all(children.map(stop));
  const profiles: Record<string, ProfileSummary> = {};
  if (flags.profile) {
    for (const { name } of PROCESSES) {
      const dir = path.join(PROFILE_DIR, name);
      // The main thread's profile is the big one; small ones are helper threads.
      const [file] = readdirSync(dir).map((entry) => path.join(dir, entry)).sort((a, b) => statSync(b).size - statSync(a).size);
      profiles[name] = summariseProfile(file!);
      console.log(`\n${name}: ${file}\n${profileMarkdown(profiles[name])}`);
    }
    writeDocBlock('bench:profile', `\`npm run bench -- ${process.argv.slice(2).join(' ')}\`, the gateway:\n\n${profileMarkdown(profiles.gateway!)}`);
  }

  const [aDirect, aGateway, feed, rest, restGraphql, ...timelineMeasured] = measured as [Measured, Measured, Measured, Measured, Measured, ...Measured[]];
  const timelineFeeds = timelineMeasured.slice(0, TIMELINES.viewerFollows.length);
  const ratio = (x: Measured, y: Measured) => Math.round((1000 * x.requestsPerSecond) / y.requestsPerSecond) / 1000;
  const timelines = {
    size: TIMELINES,
    setUpMs: { projected: Math.round(timelineSetUp.projectedMs), fannedOut: Math.round(timelineSetUp.fannedOutMs) },
    feeds: TIMELINES.viewerFollows.map((follows, v) => ({
      follows,
      requestsPerSecond: timelineFeeds[v]!.requestsPerSecond,
      p50Ms: timelineFeeds[v]!.p50Ms,
      p99Ms: timelineFeeds[v]!.p99Ms,
      shareOfUserLookup: ratio(timelineFeeds[v]!, aGateway),
    })),
    /** p50 of the feed at the most follows over p50 at the fewest. */
    p50Growth: Math.round((100 * timelineFeeds.at(-1)!.p50Ms) / timelineFeeds[0]!.p50Ms) / 100,
    fanOut,
  };
  const results = {
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    machine: machine(),
    dataset: dataset.counts,
    connections: CONNECTIONS,
    seconds: SECONDS,
    scenarios: measured,
    ratios: { gatewayVsDirect: ratio(aGateway, aDirect), feedVsUser: ratio(feed, aGateway), restVsGraphql: ratio(rest, restGraphql) },
    targets: { ...TARGETS, timelines: TIMELINE_TARGETS },
    mongoCommandsPerFeed,
    timelines,
    ...(flags.profile ? { profiles } : {}),
  };
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  writeDocBlock(quick ? 'bench:quick' : 'bench:full', resultsMarkdown(results));
  const charts = quick ? [] : writeCharts(results);
  const written = [RESULTS_FILE, DOC_FILE].map((file) => path.relative(REPOSITORY_ROOT, file)).concat(charts);
  console.log(`\n${resultsMarkdown(results)}\n\nwrote ${written.join(', ')} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
