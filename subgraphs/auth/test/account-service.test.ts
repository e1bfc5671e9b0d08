import bcrypt from 'bcryptjs';
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { generateTokenKeyPair } from '@chirp/platform';
import type { SessionRepository } from '../src/repositories/session-repository';
import type { UserRepository } from '../src/repositories/user-repository';
import { createAccountService } from '../src/services/account-service';
import { noThrottles } from '../src/services/auth-throttles';

const { privateKey } = generateTokenKeyPair();
const ROUNDS = 4;
const stored = { id: '0123456789abcdef01234567', username: 'ada', name: 'Ada', bio: null, email: 'ada@example.com', createdAt: new Date() };

function service(found: boolean) {
  const passwordHash = bcrypt.hashSync('the right password', ROUNDS);
  const users = {
    findCredentials: async () => (found ? { user: stored, passwordHash } : null),
  } as unknown as UserRepository;
  const sessions = { newId: () => 'abcdefabcdefabcdefabcdef', open: async () => {} } as unknown as SessionRepository;
  return createAccountService({ users, sessions }, noThrottles, { privateKey, ttlSeconds: 60, bcryptRounds: ROUNDS });
}

afterEach(() => {
  jest.restoreAllMocks();
});

describe('login', () => {
  test('when the user is unknown, then a bcrypt comparison still runs, so timing does not reveal who exists', async () => {
    const accounts = service(false);
    const compare = jest.spyOn(bcrypt, 'compare');
    await expect(accounts.login('nobody', 'whatever password', null)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(compare).toHaveBeenCalledTimes(1);
    expect(compare.mock.calls[0]![1]).toMatch(/^\$2[aby]\$04\$/);
  });

  test('when the password is wrong, then the error is the same one an unknown user gets', async () => {
    const unknown = await service(false).login('nobody', 'x', null).catch((error: Error) => error.message);
    const wrong = await service(true).login('ada', 'the wrong password', null).catch((error: Error) => error.message);
    expect(wrong).toBe(unknown);
  });
});
