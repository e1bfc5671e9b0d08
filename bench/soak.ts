/**
 * A bounded soak: `npm start` (tools/start.ts, as a child process on free
 * ports), some users who follow each other, then `--duration` seconds of
 * mixed reads and writes at `--connections` connections. It fails (exit 1)
 * on any 5xx or server-side GraphQL error, any connection error or timeout,
 * and any lost write: a createPost the API acknowledged that its author's
 * posts do not list afterwards. It samples the RSS of every process every
 * 5 s and reports first/last/max, and writes bench/results/soak.json.
 *
 *   npx tsx bench/soak.ts                      # 60 s, 50 connections
 *   npx tsx bench/soak.ts --duration 10 --connections 20
 *
 * Rate limits are off in the child (RATE_LIMIT_ENABLED=false): they would
 * answer 429 to a load from one address, and this measures the system, not
 * the limiter. Logs are at `warn`, so that logging does not dominate the CPU.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { ERRORS, isErrorCode, PROCESSES, sourceEntry, REPOSITORY_ROOT } from '@chirp/platform';
// Not the package's index: that loads jest's globals, which exist only under jest.
import { mulberry32 } from '@chirp/test-kit/random';
import { startSystemProcess } from '@chirp/test-kit/system-process';

const RESULTS = path.join(REPOSITORY_ROOT, 'bench/results/soak.json');
const USERS = 20;
const FOLLOWS_EACH = 5;
const POSTS_EACH = 3;
const SAMPLE_EVERY_MS = 5000;
const PASSWORD = 'soak password 123';

const { values: flags } = parseArgs({
  options: { duration: { type: 'string', default: '60' }, connections: { type: 'string', default: '50' } },
});
const duration = Number(flags.duration);
const connections = Number(flags.connections);
if (!(duration > 0) || !Number.isInteger(connections) || connections < 1) {
  console.error('usage: tsx bench/soak.ts [--duration seconds] [--connections n]');
  process.exit(2);
}

interface User {
  id: string;
  token: string;
}

interface GraphQLBody<TData = unknown> {
  data?: TData | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** The start.ts process (which also runs the embedded database) and its children, named by what they run. */
function processTree(root: number): Map<string, number> {
  const tree = new Map([['start.ts + embedded mongo', root]]);
  for (const task of readdirSync(`/proc/${root}/task`)) {
    for (const pid of readFileSync(`/proc/${root}/task/${task}/children`, 'utf8').split(' ').filter(Boolean)) {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').map((arg) => path.relative(REPOSITORY_ROOT, arg));
      tree.set(PROCESSES.find((entry) => args.includes(sourceEntry(entry)))?.name ?? pid, Number(pid));
    }
  }
  return tree;
}

function rssMiB(pid: number): number {
  const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Math.round(Number(kib) / 1024);
}

async function main(): Promise<void> {
  const random = mulberry32(Number(process.env.SOAK_SEED ?? 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

  const system = await startSystemProcess({ env: { LOG_LEVEL: 'warn', RATE_LIMIT_ENABLED: 'false' } });
  const { child, gatewayUrl: base } = system;

  try {
    const graphql = async <TData>(query: string, variables: Record<string, unknown>, token?: string): Promise<TData> => {
      const response = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as GraphQLBody<TData>;
      if (!body.data || body.errors) throw new Error(`${query.slice(0, 40)}: ${response.status} ${JSON.stringify(body.errors)}`);
      return body.data;
    };

    const users: User[] = [];
    for (let i = 0; i < USERS; i += 1) {
      const data = await graphql<{ register: { token: string; user: { id: string } } }>('mutation ($input: RegisterInput!) { register(input: $input) { token user { id } } }', {
        input: { username: `soak_${i}`, password: PASSWORD, name: `Soak ${i}`, email: `soak_${i}@example.com` },
      });
      users.push({ id: data.register.user.id, token: data.register.token });
    }
    const seeded = new Set<string>();
    for (const [i, user] of users.entries()) {
      for (let k = 1; k <= FOLLOWS_EACH; k += 1) {
        await graphql('mutation ($id: ID!) { follow(userId: $id) { id } }', { id: users[(i + k) % USERS]!.id }, user.token);
      }
      for (let k = 0; k < POSTS_EACH; k += 1) {
        const data = await graphql<{ createPost: { id: string } }>('mutation ($c: String!) { createPost(input: { content: $c }) { id } }', { c: `seed ${i}.${k}` }, user.token);
        seeded.add(data.createPost.id);
      }
    }
    const postIds = [...seeded];

    const tree = processTree(child.pid!);
    const memory = new Map([...tree.keys()].map((name) => [name, [] as number[]]));
    const sample = () => {
      for (const [name, pid] of tree) memory.get(name)!.push(rssMiB(pid));
    };
    sample();
    const sampler = setInterval(sample, SAMPLE_EVERY_MS);

    /** One kind of request in the mix: its weight, and how to make it for a random user. */
    const gql = (query: string, variables: Record<string, unknown>) => ({ method: 'POST' as const, path: '/graphql', body: JSON.stringify({ query, variables }) });
    const MIX: { kind: string; weight: number; make: () => { method: 'GET' | 'POST'; path: string; body?: string } }[] = [
      { kind: 'feed (GraphQL)', weight: 30, make: () => gql('{ me { feed(first: 20) { edges { node { id content author { username } likeCount likedByViewer } } } } }', {}) },
      { kind: 'feed (REST)', weight: 30, make: () => ({ method: 'GET', path: '/posts-api/v1/feed?limit=20' }) },
      { kind: 'post (GraphQL)', weight: 8, make: () => gql('query ($id: ID!) { post(id: $id) { id content likeCount commentCount author { username } } }', { id: pick(postIds) }) },
      { kind: 'post (REST)', weight: 7, make: () => ({ method: 'GET', path: `/posts-api/v1/posts/${pick(postIds)}` }) },
      { kind: 'createPost (GraphQL)', weight: 8, make: () => gql('mutation ($c: String!) { createPost(input: { content: $c }) { id } }', { c: `soak ${random()}` }) },
      { kind: 'createPost (REST)', weight: 7, make: () => ({ method: 'POST', path: '/posts-api/v1/posts', body: JSON.stringify({ content: `soak ${random()}` }) }) },
      { kind: 'likePost (GraphQL)', weight: 5, make: () => gql('mutation ($id: ID!) { likePost(postId: $id) { likeCount } }', { id: pick(postIds) }) },
      { kind: 'like (REST)', weight: 5, make: () => ({ method: 'POST', path: `/posts-api/v1/posts/${pick(postIds)}/like` }) },
    ];
    const totalWeight = MIX.reduce((sum, entry) => sum + entry.weight, 0);
    const byKind = new Map(MIX.map((entry) => [entry.kind, { requests: 0, serverErrors: 0, statuses: {} as Record<number, number>, graphqlErrorCodes: {} as Record<string, number> }]));
    const acknowledged = new Map(users.map((user) => [user.id, new Set<string>()]));
    const serverErrorSamples: string[] = [];

    /** What each connection has in flight (one at a time: no pipelining), for onResponse to know what it answers. */
    interface InFlight {
      kind: string;
      user: User;
    }

    const result = await autocannon({
      url: base,
      connections,
      duration,
      requests: [
        {
          setupRequest: (request, context) => {
            let roll = random() * totalWeight;
            const entry = MIX.find((candidate) => (roll -= candidate.weight) < 0) ?? MIX[0]!;
            const user = pick(users);
            Object.assign(context, { kind: entry.kind, user } satisfies InFlight);
            const made = entry.make();
            return {
              ...request,
              ...made,
              headers: { authorization: `Bearer ${user.token}`, ...(made.body ? { 'content-type': 'application/json' } : {}) },
            };
          },
          onResponse: (status, body, context) => {
            const { kind, user } = context as InFlight;
            const stats = byKind.get(kind)!;
            stats.requests += 1;
            stats.statuses[status] = (stats.statuses[status] ?? 0) + 1;
            let parsed: GraphQLBody<{ createPost?: { id: string } }> & { id?: string } = {};
            try {
              parsed = JSON.parse(body) as typeof parsed;
            } catch {
              // Checked by status alone.
            }
            const codes = (parsed.errors ?? []).map((error) => error.extensions?.code ?? 'none');
            for (const code of codes) stats.graphqlErrorCodes[code] = (stats.graphqlErrorCodes[code] ?? 0) + 1;
            // A GraphQL answer may be 200 with a server-side error in it (a code of a 5xx, or none): that is a 5xx too.
            if (status >= 500 || codes.some((code) => code === 'none' || (isErrorCode(code) && ERRORS[code].status >= 500))) {
              stats.serverErrors += 1;
              if (serverErrorSamples.length < 10) serverErrorSamples.push(`${kind}: ${status} ${body.slice(0, 300)}`);
            }
            const created = kind.startsWith('createPost') && status < 300 ? (parsed.data?.createPost?.id ?? parsed.id) : undefined;
            if (typeof created === 'string') acknowledged.get(user.id)!.add(created);
          },
        },
      ],
    });
    clearInterval(sampler);
    sample();

    // Stored posts, counted through the public API as a client would: each author's posts, paged to the end.
    let stored = 0;
    let lost = 0;
    for (const user of users) {
      const listed = new Set<string>();
      for (let after: string | null = null, more = true; more; ) {
        const data: { user: { posts: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } } = await graphql(
          'query ($id: ID!, $after: String) { user(id: $id) { posts(first: 100, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } } }',
          { id: user.id, after },
        );
        const page = data.user.posts;
        for (const edge of page.edges) listed.add(edge.node.id);
        more = page.pageInfo.hasNextPage;
        after = page.pageInfo.endCursor;
      }
      stored += [...listed].filter((id) => !seeded.has(id)).length;
      lost += [...acknowledged.get(user.id)!].filter((id) => !listed.has(id)).length;
    }
    const acknowledgedCount = [...acknowledged.values()].reduce((sum, ids) => sum + ids.size, 0);
    const serverErrors = [...byKind.values()].reduce((sum, stats) => sum + stats.serverErrors, 0);

    const summary = {
      command: `npx tsx bench/soak.ts --duration ${duration} --connections ${connections}`,
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10, node: process.version },
      setup: { users: USERS, followsEach: FOLLOWS_EACH, seededPosts: seeded.size, mix: Object.fromEntries(MIX.map((entry) => [entry.kind, `${entry.weight}%`])) },
      requests: {
        total: result.requests.total,
        perSecond: result.requests.average,
        latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
        status5xx: result['5xx'],
        serverErrors,
        connectionErrors: result.errors,
        timeouts: result.timeouts,
        byKind: Object.fromEntries(byKind),
      },
      // Stored but unacknowledged: creates still in flight when the window closed (autocannon stops reading then).
      writes: { acknowledged: acknowledgedCount, stored, lost, unacknowledged: stored - (acknowledgedCount - lost) },
      memoryMiB: Object.fromEntries(
        [...memory].map(([name, samples]) => [name, { first: samples[0], last: samples.at(-1), max: Math.max(...samples), every5s: samples }]),
      ),
      serverErrorSamples,
    };
    mkdirSync(path.dirname(RESULTS), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(summary, null, 2)}\n`);

    console.log(`\n${summary.command}: ${summary.requests.total} requests, ${summary.requests.perSecond} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`);
    console.log(`5xx ${result['5xx']}, server-side GraphQL errors ${serverErrors}, connection errors ${result.errors}, timeouts ${result.timeouts}`);
    console.log(`createPost: ${acknowledgedCount} acknowledged, ${stored} stored, ${lost} lost (${summary.writes.unacknowledged} stored but in flight at the end)`);
    for (const [name, rss] of Object.entries(summary.memoryMiB)) console.log(`RSS ${name}: first ${rss.first} MiB, last ${rss.last} MiB, max ${rss.max} MiB`);
    for (const line of serverErrorSamples) console.log(`  ${line}`);
    console.log(`Written to ${path.relative(REPOSITORY_ROOT, RESULTS)}`);

    const failed = serverErrors > 0 || result['5xx'] > 0 || result.errors > 0 || lost > 0;
    // The services log at warn: on a failed soak, what they said is the first place to look.
    if (failed) console.error(`\nWhat the services logged:\n${system.output().slice(-20_000)}`);
    process.exitCode = failed ? 1 : 0;
  } finally {
    await system.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`soak failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
