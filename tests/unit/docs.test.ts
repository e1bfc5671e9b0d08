import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { PROCESSES, REPOSITORY_ROOT } from '@chirp/platform';

/**
 * The documentation travels with a clone: every link it makes must land on a
 * file of the repository (and on a heading there, when it names one), and the
 * architecture's table of processes must say what the service registry says.
 */
const DOCUMENTS = ['README.md', ...readdirSync(path.join(REPOSITORY_ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

const read = (file: string) => readFileSync(path.join(REPOSITORY_ROOT, file), 'utf8');
/** Code blocks hold shell comments that look like headings and text that looks like links. */
const withoutCode = (markdown: string) => markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');

/** The anchors GitHub gives a document's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6}\s+(.+)$/gm)) {
    const slug = heading!.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const times = seen.get(slug) ?? 0;
    seen.set(slug, times + 1);
    anchors.add(times === 0 ? slug : `${slug}-${times}`);
  }
  return anchors;
}

function linksOf(file: string): string[] {
  return [...withoutCode(read(file)).matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!).filter((target) => !/^[a-z]+:/i.test(target));
}

describe('documentation links', () => {
  test.each(DOCUMENTS)('when %s links a path, then it is a file of the repository, and a named heading is there', (file) => {
    const broken: string[] = [];
    for (const link of linksOf(file)) {
      const [target = '', anchor] = link.split('#');
      const resolved = target === '' ? path.join(REPOSITORY_ROOT, file) : path.resolve(path.dirname(path.join(REPOSITORY_ROOT, file)), target);
      const inside = (resolved + path.sep).startsWith(REPOSITORY_ROOT + path.sep);
      if (!inside || !existsSync(resolved)) {
        broken.push(`${link}: ${inside ? 'no such file' : 'outside the repository'}`);
        continue;
      }
      if (anchor && resolved.endsWith('.md') && !anchorsOf(readFileSync(resolved, 'utf8')).has(anchor)) {
        broken.push(`${link}: no heading with that anchor`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('docs/ARCHITECTURE.md', () => {
  test.each(PROCESSES.map((entry) => [entry.name, entry] as const))(
    'when the registry lists %s, then the processes table gives its port, metrics port and their variables',
    (_name, entry) => {
      const row = read('docs/ARCHITECTURE.md')
        .split('\n')
        .find((line) => line.startsWith(`| ${entry.name} |`));
      expect(row).toContain(`| ${entry.defaultPort} (\`${entry.portVariable}\`) | ${entry.defaultMetricsPort} (\`${entry.metricsPortVariable}\`) |`);
    },
  );
});
