import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { createSessionCheck, type SessionLookup } from '../src/sessions';

const ADA = { id: 'aaaaaaaaaaaaaaaaaaaaaaaa', sessionId: '111111111111111111111111' };
const BEN = { id: 'bbbbbbbbbbbbbbbbbbbbbbbb', sessionId: '222222222222222222222222' };

/** A stand-in for auth: the open sessions and their owners; counts the look-ups. */
function fakeAuth(open: Map<string, string>) {
  const asked: string[] = [];
  const lookup: SessionLookup = async (sessionId) => {
    asked.push(sessionId);
    await new Promise((resolve) => setTimeout(resolve, 5));
    return open.get(sessionId) ?? null;
  };
  return { lookup, asked };
}

afterEach(() => {
  jest.useRealTimers();
});

describe('the session check', () => {
  test('when a session is open, then the answer is reused within the bound and asked again once it is that old', async () => {
    jest.useFakeTimers({ doNotFake: ['setTimeout'] });
    const open = new Map([[ADA.sessionId, ADA.id]]);
    const auth = fakeAuth(open);
    const sessions = createSessionCheck(auth.lookup, 30_000);
    await sessions.assertOpen(ADA, 'r');
    jest.setSystemTime(Date.now() + 29_000);
    await sessions.assertOpen(ADA, 'r');
    expect(auth.asked).toHaveLength(1);

    open.delete(ADA.sessionId);
    jest.setSystemTime(Date.now() + 1_000);
    await expect(sessions.assertOpen(ADA, 'r')).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
    expect(auth.asked).toHaveLength(2);
  });

  test('when a session has ended, then it is refused from then on without asking again (sessions never reopen)', async () => {
    const auth = fakeAuth(new Map());
    const sessions = createSessionCheck(auth.lookup, 30_000);
    await expect(sessions.assertOpen(ADA, 'r')).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    await expect(sessions.assertOpen(ADA, 'r')).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(auth.asked).toHaveLength(1);
  });

  test('when many requests of one session arrive at once, then auth is asked once', async () => {
    const auth = fakeAuth(new Map([[ADA.sessionId, ADA.id]]));
    const sessions = createSessionCheck(auth.lookup, 30_000);
    await Promise.all(Array.from({ length: 20 }, () => sessions.assertOpen(ADA, 'r')));
    expect(auth.asked).toEqual([ADA.sessionId]);
  });

  test("when a token names a session that is someone else's, then it is refused", async () => {
    const sessions = createSessionCheck(fakeAuth(new Map([[BEN.sessionId, BEN.id]])).lookup, 30_000);
    await expect(sessions.assertOpen({ id: ADA.id, sessionId: BEN.sessionId }, 'r')).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });

  test("when an account's answers are forgotten, then its next request asks again, and another account's answer stays", async () => {
    const open = new Map([[ADA.sessionId, ADA.id], [BEN.sessionId, BEN.id]]);
    const auth = fakeAuth(open);
    const sessions = createSessionCheck(auth.lookup, 30_000);
    await sessions.assertOpen(ADA, 'r');
    await sessions.assertOpen(BEN, 'r');
    open.delete(ADA.sessionId);
    sessions.forgetAccount(ADA.id);
    await expect(sessions.assertOpen(ADA, 'r')).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    await sessions.assertOpen(BEN, 'r');
    expect(auth.asked).toEqual([ADA.sessionId, BEN.sessionId, ADA.sessionId]);
  });

  test('when the bound is 0, then every request asks', async () => {
    const auth = fakeAuth(new Map([[ADA.sessionId, ADA.id]]));
    const sessions = createSessionCheck(auth.lookup, 0);
    await sessions.assertOpen(ADA, 'r');
    await sessions.assertOpen(ADA, 'r');
    expect(auth.asked).toHaveLength(2);
  });

  test('when auth cannot be asked, then the request is refused as SERVICE_UNAVAILABLE naming auth, and nothing is remembered', async () => {
    let down = true;
    const sessions = createSessionCheck(async () => {
      if (down) throw new Error('connect ECONNREFUSED');
      return ADA.id;
    }, 30_000);
    await expect(sessions.assertOpen(ADA, 'r')).rejects.toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'auth' } });
    down = false;
    await expect(sessions.assertOpen(ADA, 'r')).resolves.toBeUndefined();
  });
});
