import { createHash } from 'node:crypto';
import path from 'node:path';
import { expect } from '@jest/globals';

/** The MongoDB server the run uses: real when MONGODB_URI was given, else the embedded one global setup started. */
export function mongoUri(): string {
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is not set: global setup did not run');
  return uri;
}

/**
 * A database name unique to the calling test file (and to `suffix`), so that
 * test files never share data and can run in parallel against one server.
 * MongoDB limits database names to 63 bytes, hence the hash.
 */
export function testDbName(suffix = ''): string {
  const file = expect.getState().testPath ?? 'unknown';
  const base = path.basename(file).replace(/\.test\.ts$/, '').replace(/[^A-Za-z0-9_]/g, '_');
  const hash = createHash('sha1').update(file + suffix).digest('hex').slice(0, 8);
  return `t_${base.slice(0, 30)}_${suffix ? `${suffix.slice(0, 12)}_` : ''}${hash}`;
}
