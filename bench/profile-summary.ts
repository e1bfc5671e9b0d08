/**
 * Where a process spent its CPU time, from a V8 .cpuprofile (`node --cpu-prof`):
 * self time by module (npm package, Node internals, our own directories) and
 * by function.
 *
 *   tsx bench/profile-summary.ts <file.cpuprofile> [top]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPOSITORY_ROOT } from '@chirp/platform';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

export interface Share {
  name: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Time the process waited for work: the rest is what the load cost it. */
  idleMs: number;
  modules: Share[];
  functions: Share[];
}


/** `node_modules/@apollo/gateway/dist/x.js` -> `@apollo/gateway`; `node:internal/...` -> `node:internal`; ours -> its directory. */
function moduleOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1]!;
  if (url.startsWith('node:')) return url.startsWith('node:internal') ? 'node:internal' : url.split('/')[0]!;
  const file = url.replace(/^file:\/\//, '');
  return path.relative(REPOSITORY_ROOT, path.dirname(file)) || file;
}

function top(totals: Map<string, number>, activeMs: number, count: number): Share[] {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, ms]) => ({ name, ms: Math.round(ms), percent: Math.round((1000 * ms) / activeMs) / 10 }));
}

export function summariseProfile(file: string, count = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byModule = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const frame = nodes.get(id)!;
    totalMs += ms;
    if (frame.functionName === '(idle)') {
      idleMs += ms;
      return;
    }
    const module = moduleOf(frame.url, frame.functionName);
    const where = frame.url ? ` ${module}:${frame.lineNumber + 1}` : '';
    byModule.set(module, (byModule.get(module) ?? 0) + ms);
    const fn = `${frame.functionName || '(anonymous)'}${where}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
  });
  const activeMs = totalMs - idleMs;
  return { totalMs: Math.round(totalMs), idleMs: Math.round(idleMs), modules: top(byModule, activeMs, count), functions: top(byFunction, activeMs, count) };
}

/** Two markdown tables; percentages are of the busy (non-idle) time. */
export function profileMarkdown(summary: ProfileSummary): string {
  const table = (title: string, rows: Share[]) =>
    [`| ${title} | self ms | % of busy |`, '|---|---:|---:|', ...rows.map((row) => `| \`${row.name}\` | ${row.ms} | ${row.percent} |`)].join('\n');
  return [
    `Profiled ${(summary.totalMs / 1000).toFixed(1)} s, ${((100 * summary.idleMs) / summary.totalMs).toFixed(0)} % idle.`,
    '',
    table('module', summary.modules),
    '',
    table('function', summary.functions),
  ].join('\n');
}

if (require.main === module) {
  const [file, count] = process.argv.slice(2);
  if (!file) {
    console.error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(profileMarkdown(summariseProfile(file, count ? Number(count) : undefined)));
}
