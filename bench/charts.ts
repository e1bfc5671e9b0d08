/**
 * The benchmark's charts, written as SVG text from the results of a full run
 * (no browser, no chart library), so that `npm run bench` and
 * `npm run bench:charts` draw the same bytes from the same results and a test
 * can hold the committed charts to them.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPOSITORY_ROOT } from '@chirp/platform';

/** The full run's results, committed: the charts beside the full run's tables are drawn from them. */
export const RESULTS_FILE = 'bench/results.json';

/** What the charts read of the results. */
export interface ChartedResults {
  command: string;
  date: string;
  scenarios: { label: string; requestsPerSecond: number }[];
  timelines: { feeds: { follows: number; p50Ms: number; p99Ms?: number }[] };
}

export interface Chart {
  /** From the repository's root. */
  file: string;
  svg: string;
}

// GitHub shows an SVG as an image on the page's own background, light or dark: the charts paint theirs (GitHub's light palette).
const COLOURS = { background: '#ffffff', border: '#d0d7de', text: '#1f2328', muted: '#59636e', grid: '#eaeef2', p50: '#0969da', p99: '#bc4c00' };
const FONT = `font-family="-apple-system, BlinkMacSystemFont, 'Segoe UI', Helvetica, Arial, sans-serif"`;
const WIDTH = 800;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const escape = (text: string) => text.replace(/[&<>"']/g, (character) => ENTITIES[character]!);
/** A tenth of a pixel is finer than any screen shows, and keeps the text the same from run to run. */
const px = (x: number) => String(Math.round(x * 10) / 10);
const count = (x: number) => x.toLocaleString('en');
const sentence = (items: string[]) => (items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)}` : (items[0] ?? ''));

/** Axis ticks from 0 to just past `max`, about five, a step of 1, 2, 2.5 or 5 times a power of ten. */
function ticks(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((multiple) => multiple * power).find((candidate) => candidate >= rough)!;
  return Array.from({ length: Math.ceil(max / step) + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

function svgDocument(id: string, height: number, title: string, description: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="${id}-title ${id}-desc" ${FONT} font-size="12" fill="${COLOURS.text}">`,
    `  <title id="${id}-title">${escape(title)}</title>`,
    `  <desc id="${id}-desc">${escape(description)}</desc>`,
    `  <rect x="0.5" y="0.5" width="${WIDTH - 1}" height="${height - 1}" rx="6" fill="${COLOURS.background}" stroke="${COLOURS.border}"/>`,
    ...body.map((line) => `  ${line}`),
    '</svg>',
    '',
  ].join('\n');
}

const heading = (title: string, subtitle: string) => [
  `<text x="16" y="28" font-size="16" font-weight="600">${escape(title)}</text>`,
  `<text x="16" y="48" fill="${COLOURS.muted}">${escape(subtitle)}</text>`,
];

/** Requests/s of every scenario, one horizontal bar each, its label above it (labels run to 90 characters). */
function throughputChart(results: ChartedResults): Chart {
  const [left, right, top, row] = [16, 64, 72, 40];
  const axis = ticks(Math.max(...results.scenarios.map((scenario) => scenario.requestsPerSecond)));
  const x = (value: number) => left + (value / axis.at(-1)!) * (WIDTH - left - right);
  const bottom = top + results.scenarios.length * row;
  const title = 'Requests per second, by scenario';
  const body = [
    ...heading(title, `${results.command}, ${results.date}; higher is better`),
    ...axis.map((tick) => `<line x1="${px(x(tick))}" y1="${top}" x2="${px(x(tick))}" y2="${bottom}" stroke="${COLOURS.grid}"/>`),
    ...results.scenarios.map((scenario, i) => {
      const y = top + i * row;
      return [
        `<g class="bar">`,
        `<text class="label" x="${left}" y="${y + 14}">${escape(scenario.label)}</text>`,
        `<rect x="${left}" y="${y + 20}" width="${px(x(scenario.requestsPerSecond) - left)}" height="14" fill="${COLOURS.p50}"/>`,
        `<text class="value" x="${px(x(scenario.requestsPerSecond) + 6)}" y="${y + 31}">${count(scenario.requestsPerSecond)}</text>`,
        `</g>`,
      ].join('');
    }),
    `<line x1="${left}" y1="${bottom}" x2="${WIDTH - right}" y2="${bottom}" stroke="${COLOURS.muted}"/>`,
    ...axis.map((tick) => `<text x="${px(x(tick))}" y="${bottom + 16}" text-anchor="middle" fill="${COLOURS.muted}">${count(tick)}</text>`),
    `<text x="${px((left + WIDTH - right) / 2)}" y="${bottom + 36}" text-anchor="middle" fill="${COLOURS.muted}">requests/s</text>`,
  ];
  const description = `Requests per second for each scenario of ${results.command} (${results.date}): ${results.scenarios.map((scenario) => `${scenario.label}, ${count(scenario.requestsPerSecond)}`).join('; ')}.`;
  return { file: 'docs/bench-throughput.svg', svg: svgDocument('bench-throughput', bottom + 52, title, description, body) };
}

/** The home timeline's latency against the number of accounts the viewer follows: p50, and p99 where the results have it. */
function feedLatencyChart(results: ChartedResults): Chart {
  const feeds = results.timelines.feeds;
  const [left, right, top, bottom] = [72, 32, 80, 340];
  const series = [
    { name: 'p50', colour: COLOURS.p50, dash: '', points: feeds.map((feed) => ({ follows: feed.follows, ms: feed.p50Ms })), labelOffset: 18 },
    {
      name: 'p99',
      colour: COLOURS.p99,
      dash: ' stroke-dasharray="6 4"',
      points: feeds.flatMap((feed) => (feed.p99Ms === undefined ? [] : [{ follows: feed.follows, ms: feed.p99Ms }])),
      labelOffset: -10,
    },
  ].filter((line) => line.points.length > 0);
  const xAxis = ticks(Math.max(...feeds.map((feed) => feed.follows)));
  const yAxis = ticks(Math.max(...series.flatMap((line) => line.points.map((point) => point.ms))));
  // Set off from the y axis: a point at a few follows, next to thousands, would sit on it.
  const inset = 24;
  const x = (follows: number) => left + inset + (follows / xAxis.at(-1)!) * (WIDTH - left - inset - right);
  const y = (ms: number) => bottom - (ms / yAxis.at(-1)!) * (bottom - top);
  const title = 'Home-timeline feed latency against accounts followed';
  const body = [
    ...heading(title, `${results.command}, ${results.date}; feed(first: 20), one viewer per point; lower is better`),
    ...yAxis.map((tick) => `<line x1="${left}" y1="${px(y(tick))}" x2="${WIDTH - right}" y2="${px(y(tick))}" stroke="${COLOURS.grid}"/>`),
    ...yAxis.map((tick) => `<text x="${left - 8}" y="${px(y(tick) + 4)}" text-anchor="end" fill="${COLOURS.muted}">${count(tick)}</text>`),
    `<line x1="${left}" y1="${bottom}" x2="${WIDTH - right}" y2="${bottom}" stroke="${COLOURS.muted}"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="${COLOURS.muted}"/>`,
    ...xAxis.map((tick) => `<line x1="${px(x(tick))}" y1="${bottom}" x2="${px(x(tick))}" y2="${bottom + 5}" stroke="${COLOURS.muted}"/>`),
    ...xAxis.map((tick) => `<text x="${px(x(tick))}" y="${bottom + 20}" text-anchor="middle" fill="${COLOURS.muted}">${count(tick)}</text>`),
    `<text x="${px((left + WIDTH - right) / 2)}" y="${bottom + 42}" text-anchor="middle" fill="${COLOURS.muted}">accounts followed</text>`,
    `<text transform="translate(22 ${px((top + bottom) / 2)}) rotate(-90)" text-anchor="middle" fill="${COLOURS.muted}">latency, ms</text>`,
    ...series.flatMap((line, i) => {
      const legendX = WIDTH - right - 150 + i * 75;
      return [
        `<line x1="${legendX}" y1="64" x2="${legendX + 24}" y2="64" stroke="${line.colour}" stroke-width="2"${line.dash}/>`,
        `<text x="${legendX + 30}" y="68">${line.name}</text>`,
        `<polyline points="${line.points.map((point) => `${px(x(point.follows))},${px(y(point.ms))}`).join(' ')}" fill="none" stroke="${line.colour}" stroke-width="2"${line.dash}/>`,
        ...line.points.map((point) =>
          [
            `<circle class="point ${line.name}" data-follows="${point.follows}" data-ms="${point.ms}" cx="${px(x(point.follows))}" cy="${px(y(point.ms))}" r="4" fill="${line.colour}">`,
            `<title>${count(point.follows)} accounts followed: ${line.name} ${count(point.ms)} ms</title></circle>`,
            // The halo keeps a figure readable where a line runs through it.
            `<text x="${px(x(point.follows))}" y="${px(y(point.ms) + line.labelOffset)}" text-anchor="middle" fill="${line.colour}" stroke="${COLOURS.background}" stroke-width="3" paint-order="stroke">${count(point.ms)}</text>`,
          ].join(''),
        ),
      ];
    }),
  ];
  const follows = sentence(feeds.map((feed) => count(feed.follows)));
  const description = `Latency of the home-timeline feed, feed(first: 20), in ${results.command} (${results.date}), for viewers following ${follows} accounts: ${series
    .map((line) => `${line.name} ${sentence(line.points.map((point) => count(point.ms)))} ms`)
    .join('; ')}.`;
  return { file: 'docs/bench-feed-latency.svg', svg: svgDocument('bench-feed-latency', bottom + 60, title, description, body) };
}

export function renderCharts(results: ChartedResults): Chart[] {
  return [feedLatencyChart(results), throughputChart(results)];
}

/** Writes the charts where renderCharts puts them; answers their paths. */
export function writeCharts(results: ChartedResults): string[] {
  return renderCharts(results).map(({ file, svg }) => {
    writeFileSync(path.join(REPOSITORY_ROOT, file), svg);
    return file;
  });
}
