import { describe, expect, test } from '@jest/globals';
import type { AccountEvent } from '@chirp/auth-subgraph/events';
import { createAccountPurgeService, type AccountPurgeRepositories } from '../src/services/account-purge-service';

const HELD = '0123456789abcdef01234567';

/** Repositories that note every call; listing who holds data answers `HELD`, everything else nothing. */
function recordingRepositories(calls: string[]): AccountPurgeRepositories {
  const repository = (name: string) =>
    new Proxy({}, { get: (_target, method) => async () => (calls.push(`${name}.${String(method)}`), method === 'authors' ? [HELD] : []) });
  return {
    posts: repository('posts'),
    comments: repository('comments'),
    likes: repository('likes'),
    timelines: repository('timelines'),
    followGraph: repository('followGraph'),
    deletedAccounts: repository('deletedAccounts'),
  } as unknown as AccountPurgeRepositories;
}

async function* snapshot(...batches: AccountEvent[][]): AsyncGenerator<AccountEvent[]> {
  yield* batches;
}

describe('account purge service when rebuilding', () => {
  test('when the auth database lists no account while posts holds data, then the rebuild fails and nothing is recorded or removed', async () => {
    const calls: string[] = [];
    const service = createAccountPurgeService(recordingRepositories(calls));
    await expect(service.reconcile(snapshot())).rejects.toThrow(/AUTH_DB_NAME/);
    expect(calls.filter((call) => !/\.(authors|users|owners|accounts)$/.test(call))).toEqual([]);
  });

  test('when every account holding data is in the auth database, then nothing is recorded or removed', async () => {
    const calls: string[] = [];
    const service = createAccountPurgeService(recordingRepositories(calls));
    await service.reconcile(snapshot([{ type: 'registered', userId: HELD, at: new Date() }]));
    expect(calls.filter((call) => !/\.(authors|users|owners|accounts)$/.test(call))).toEqual([]);
  });
});
