import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { REPOSITORY_ROOT } from '@chirp/platform';
import { RESULTS_FILE, renderCharts, type ChartedResults } from '../../bench/charts';

/**
 * The charts in docs/ are drawn from the committed results of the last full
 * bench run; they must be SVG a browser accepts, show every scenario and every
 * follow count, scale with the figures, and be exactly what the committed
 * results draw, so that a chart cannot tell another story than the tables.
 */

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITY = /&(?:(amp|lt|gt|quot|apos)|#(\d+)|#x([0-9a-fA-F]+));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the five named entities and character references; a bare `&` is not XML. */
function decode(raw: string): string {
  if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(raw)) throw new Error(`a bare & in ${JSON.stringify(raw)}`);
  return raw.replace(ENTITY, (_, name: string | undefined, decimal: string | undefined, hex: string | undefined) =>
    name ? NAMED[name]! : String.fromCodePoint(decimal ? Number(decimal) : parseInt(hex!, 16)),
  );
}

/**
 * A strict reader of the XML the charts are made of (elements, attributes, text, comments, the XML
 * declaration): it throws where a document is not well-formed, and answers the root element.
 */
function parseXml(source: string): XmlElement {
  const token =
    /<!--[\s\S]*?-->|<\?xml[^?]*\?>|<\/([A-Za-z_][\w.:-]*)\s*>|<([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|([^<]+)/y;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (token.lastIndex < source.length) {
    const at = token.lastIndex;
    const match = token.exec(source);
    if (!match) throw new Error(`not XML at ${at}: ${JSON.stringify(source.slice(at, at + 40))}`);
    const [, closing, opening, attributeText, selfClosing, text] = match;
    const parent = stack.at(-1);
    if (text !== undefined) {
      if (parent) parent.text += decode(text);
      else if (text.trim()) throw new Error(`text outside the root element at ${at}`);
    } else if (closing) {
      if (stack.pop()?.name !== closing) throw new Error(`</${closing}> closes nothing open at ${at}`);
    } else if (opening) {
      if (!parent && root) throw new Error(`a second root element <${opening}> at ${at}`);
      const element: XmlElement = { name: opening, attributes: {}, children: [], text: '' };
      for (const [, name, double, single] of attributeText!.matchAll(/([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        if (name! in element.attributes) throw new Error(`<${opening}> repeats ${name}`);
        element.attributes[name!] = decode(double ?? single!);
      }
      if (parent) parent.children.push(element);
      else root = element;
      if (!selfClosing) stack.push(element);
    }
  }
  if (stack.length) throw new Error(`<${stack.at(-1)!.name}> is never closed`);
  if (!root) throw new Error('no root element');
  return root;
}

const descendants = (element: XmlElement): XmlElement[] => element.children.flatMap((child) => [child, ...descendants(child)]);
const withClass = (element: XmlElement, name: string) => descendants(element).filter((child) => (child.attributes.class ?? '').split(' ').includes(name));
const number = (element: XmlElement, attribute: string) => Number(element.attributes[attribute]);

const committed = JSON.parse(readFileSync(path.join(REPOSITORY_ROOT, RESULTS_FILE), 'utf8')) as ChartedResults;

function chart(results: ChartedResults, file: string): XmlElement {
  const drawn = renderCharts(results).find((candidate) => candidate.file === file);
  if (!drawn) throw new Error(`renderCharts drew no ${file}`);
  return parseXml(drawn.svg);
}
const throughput = (results: ChartedResults) => chart(results, 'docs/bench-throughput.svg');
const feedLatency = (results: ChartedResults) => chart(results, 'docs/bench-feed-latency.svg');

function results(requestsPerSecond: number[], feeds: ChartedResults['timelines']['feeds']): ChartedResults {
  return {
    command: 'npm run bench',
    date: '2026-01-01 00:00 UTC',
    scenarios: requestsPerSecond.map((value, i) => ({ label: `scenario ${i}`, requestsPerSecond: value })),
    timelines: { feeds },
  };
}

describe('the XML check the chart tests rely on', () => {
  test.each([
    ['a crossed tag', '<svg><g><text></g></text></svg>'],
    ['a bare ampersand', '<svg><text>R&D</text></svg>'],
    ['an unquoted attribute', '<svg width=10></svg>'],
    ['a second root', '<svg></svg><svg></svg>'],
    ['an unclosed element', '<svg><g></svg>'],
  ])('when a document has %s, then it is refused', (_what, source) => {
    expect(() => parseXml(source)).toThrow();
  });
});

describe('bench charts', () => {
  test.each(renderCharts(committed).map((drawn) => [drawn.file, drawn.svg] as const))(
    'when %s is drawn, then it is well-formed SVG titled and described for screen readers, on a background of its own',
    (_file, svg) => {
      const root = parseXml(svg);
      expect(root.name).toBe('svg');
      expect(root.attributes.xmlns).toBe('http://www.w3.org/2000/svg');
      expect(root.attributes.role).toBe('img');
      const [title, description] = root.children;
      expect([title?.name, description?.name]).toEqual(['title', 'desc']);
      expect(title!.text.length).toBeGreaterThan(10);
      expect(description!.text.length).toBeGreaterThan(10);
      expect(root.attributes['aria-labelledby']).toBe(`${title!.attributes.id} ${description!.attributes.id}`);
      const background = root.children[2]!;
      expect(background.name).toBe('rect');
      expect([background.attributes.width, background.attributes.height].map(Number)).toEqual([number(root, 'width') - 1, number(root, 'height') - 1]);
      expect(background.attributes.fill).toBe('#ffffff');
    },
  );

  test('when the throughput chart is drawn, then it has one bar per scenario, in order, labelled with the scenario and its requests/s', () => {
    const bars = withClass(throughput(committed), 'bar');
    expect(bars.map((bar) => withClass(bar, 'label')[0]?.text)).toEqual(committed.scenarios.map((scenario) => scenario.label));
    expect(bars.map((bar) => withClass(bar, 'value')[0]?.text)).toEqual(committed.scenarios.map((scenario) => scenario.requestsPerSecond.toLocaleString('en')));
    expect(bars.every((bar) => bar.children.filter((child) => child.name === 'rect').length === 1)).toBe(true);
  });

  test('when one scenario serves more requests/s than another, then its bar is longer, in proportion', () => {
    const values = [40, 400, 100, 100, 0];
    const widths = withClass(throughput(results(values, [{ follows: 10, p50Ms: 5 }])), 'bar').map((bar) => number(bar.children.find((child) => child.name === 'rect')!, 'width'));
    expect(widths[1]).toBeGreaterThan(widths[2]!);
    expect(widths[2]).toBeGreaterThan(widths[0]!);
    expect(widths[2]).toBe(widths[3]);
    expect(widths[4]).toBe(0);
    expect(widths[1]! / widths[0]!).toBeCloseTo(10, 1);
  });

  test('when the feed chart is drawn, then it has a p50 point and a p99 point for every follow count in the results', () => {
    const chart = feedLatency(committed);
    for (const percentile of ['p50', 'p99'] as const) {
      const points = withClass(chart, 'point').filter((point) => point.attributes.class!.split(' ').includes(percentile));
      expect(points.map((point) => number(point, 'data-follows'))).toEqual(committed.timelines.feeds.map((feed) => feed.follows));
      expect(points.map((point) => number(point, 'data-ms'))).toEqual(committed.timelines.feeds.map((feed) => feed[`${percentile}Ms`]));
    }
  });

  test('when the results have no p99, then the feed chart shows p50 alone', () => {
    const chart = feedLatency(results([1], [{ follows: 10, p50Ms: 120 }, { follows: 200, p50Ms: 130 }]));
    expect(withClass(chart, 'point').map((point) => point.attributes.class)).toEqual(['point p50', 'point p50']);
    expect(descendants(chart).some((element) => element.text === 'p99')).toBe(false);
  });

  test('when a viewer follows more accounts or waits longer, then the point is further right or higher, in proportion', () => {
    const chart = feedLatency(results([1], [{ follows: 10, p50Ms: 100 }, { follows: 1000, p50Ms: 100 }, { follows: 4000, p50Ms: 400 }]));
    const [few, more, most] = withClass(chart, 'point').map((point) => ({ x: number(point, 'cx'), y: number(point, 'cy') }));
    expect(more!.x).toBeGreaterThan(few!.x);
    expect(most!.x).toBeGreaterThan(more!.x);
    expect(more!.y).toBe(few!.y);
    // SVG's y grows downwards: a longer wait is drawn higher, four times as far from the x axis as a quarter of it.
    const axis = number(descendants(chart).find((element) => element.name === 'line' && element.attributes.stroke === '#59636e')!, 'y1');
    expect((axis - most!.y) / (axis - more!.y)).toBeCloseTo(4, 1);
  });

  test('when a scenario label holds XML characters, then the chart escapes them and stays well-formed', () => {
    const label = 'feed <first: 20> & "quotes" \'too\'';
    const chart = throughput({ ...results([1], [{ follows: 10, p50Ms: 1 }]), scenarios: [{ label, requestsPerSecond: 5 }] });
    expect(withClass(chart, 'label')[0]?.text).toBe(label);
  });

  test.each(renderCharts(committed).map((drawn) => [drawn.file, drawn.svg] as const))(
    `when %s is committed, then it is what the committed ${RESULTS_FILE} draws (npm run bench:charts redraws it)`,
    (file, svg) => {
      expect(readFileSync(path.join(REPOSITORY_ROOT, file), 'utf8')).toBe(svg);
    },
  );
});
