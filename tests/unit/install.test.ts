import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import semver from 'semver';
import { REPOSITORY_ROOT } from '@chirp/platform';

interface LockedPackage {
  name?: string;
  version?: string;
  link?: boolean;
  engines?: { node?: string };
  hasInstallScript?: boolean;
}

const readJson = (file: string): unknown => JSON.parse(readFileSync(path.join(REPOSITORY_ROOT, file), 'utf8'));
const manifest = readJson('package.json') as {
  engines: { node: string };
  allowScripts: Record<string, boolean>;
  '//': { allowScripts: Record<string, string> };
};
const lock = readJson('package-lock.json') as { packages: Record<string, LockedPackage> };

/** The lock file's installed packages with the name npm matches policies against (an alias's real name where it has one). */
const installed = Object.entries(lock.packages)
  .filter(([location, entry]) => location !== '' && !entry.link)
  .map(([location, entry]) => ({ location, entry, name: entry.name ?? location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length) }));

/** Whether a key of allowScripts (a bare name, or name@exact || exact, as npm accepts) covers this package. */
function covers(key: string, name: string, version: string | undefined): boolean {
  const at = key.indexOf('@', 1);
  if (at === -1) return key === name;
  return key.slice(0, at) === name && version !== undefined && key.slice(at + 1).split('||').some((pinned) => pinned.trim() === version);
}

describe('a fresh install', () => {
  test('when the lock file is read, then every package it installs runs on the oldest Node.js Chirp supports', () => {
    const oldest = semver.minVersion(manifest.engines.node)!.version;
    const excluding = installed
      .filter(({ entry }) => entry.engines?.node !== undefined && !semver.satisfies(oldest, entry.engines.node))
      .map(({ location, entry }) => `${location}@${entry.version} wants node ${entry.engines!.node}`);
    expect(excluding).toEqual([]);
  });

  test('when the lock file is read, then every package with an install script is allowed or denied in package.json', () => {
    const unreviewed = installed
      .filter(({ entry, name }) => entry.hasInstallScript && !Object.keys(manifest.allowScripts).some((key) => covers(key, name, entry.version)))
      .map(({ name, entry }) => `${name}@${entry.version}`);
    expect(unreviewed).toEqual([]);
  });

  test('when allowScripts is read, then each entry names a package of the lock file with an install script and gives its reason', () => {
    const withScripts = installed.filter(({ entry }) => entry.hasInstallScript);
    const stale = Object.keys(manifest.allowScripts).filter((key) => !withScripts.some(({ name, entry }) => covers(key, name, entry.version)));
    expect(stale).toEqual([]);
    const unexplained = Object.keys(manifest.allowScripts).filter((key) => !manifest['//'].allowScripts[key]);
    expect(unexplained).toEqual([]);
  });
});
