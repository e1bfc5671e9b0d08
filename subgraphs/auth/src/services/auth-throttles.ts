import { createHash } from 'node:crypto';
import { rateLimited } from '@chirp/platform';
import type { ThrottleRepository, ThrottleWindow } from '../repositories/throttle-repository';

export interface ThrottleLimits {
  /** The length of every throttle window, from the first hit on its key. */
  windowSeconds: number;
  /** Failed password checks of one account (or one unknown login name) per window. */
  failuresPerAccount: number;
  /** Login attempts per client address per window, successful ones included. */
  loginsPerAddress: number;
  /** Registrations per client address per window. */
  registrationsPerAddress: number;
}

/** Whose password an operation checks: an account, or a login name that matches none. */
export type PasswordSubject = { userId: string } | { unknownLogin: string };

/**
 * The guards on password guessing and sign-up floods, counted in the auth
 * database so that every instance of the auth subgraph shares them.
 */
export interface AuthThrottles {
  /** Counts one login attempt from `clientAddress`; RATE_LIMITED past the address's limit. */
  countLoginAttempt(clientAddress: string | null): Promise<void>;
  /** Counts one registration from `clientAddress`; RATE_LIMITED past the address's limit. */
  countRegistration(clientAddress: string | null): Promise<void>;
  /**
   * For any operation that checks an account's password: runs `compare` and
   * says whether the password matched, or, once the subject has had its
   * failures for this window, is RATE_LIMITED without comparing anything.
   */
  checkPassword(subject: PasswordSubject, compare: () => Promise<boolean>): Promise<boolean>;
  /** Drops what is counted against a deleted account: nothing of it stays in the auth database. */
  forgetAccount(userId: string): Promise<void>;
}

/**
 * Requests whose address is unknown share one bucket: giving each its own
 * would leave them unlimited, while sharing keeps the limit (at worst such
 * clients slow each other down, which is the safe side of the trade).
 */
const UNKNOWN_ADDRESS = 'unknown';

function subjectKey(subject: PasswordSubject): string {
  if ('userId' in subject) return `account:${subject.userId}`;
  // Hashed: people type passwords into the name field, and a tried name can be any length.
  return `login-name:${createHash('sha256').update(subject.unknownLogin.toLowerCase()).digest('hex')}`;
}

export function createAuthThrottles(repository: ThrottleRepository, limits: ThrottleLimits, now: () => Date = () => new Date()): AuthThrottles {
  const windowMs = limits.windowSeconds * 1000;
  const retryAfter = (window: ThrottleWindow, at: Date) => Math.max(1, Math.ceil((window.expiresAt.getTime() - at.getTime()) / 1000));

  /** Counts a hit on `key`: RATE_LIMITED past `limit`, else the window it was counted in. */
  async function hit(key: string, limit: number, what: string): Promise<ThrottleWindow> {
    const at = now();
    const window = await repository.hit(key, at, windowMs);
    if (window.count > limit) throw rateLimited(what, { retryAfter: retryAfter(window, at), limit });
    return window;
  }

  return {
    async countLoginAttempt(clientAddress) {
      await hit(`login-address:${clientAddress ?? UNKNOWN_ADDRESS}`, limits.loginsPerAddress, 'login attempts from this address');
    },

    async countRegistration(clientAddress) {
      await hit(`register-address:${clientAddress ?? UNKNOWN_ADDRESS}`, limits.registrationsPerAddress, 'registrations from this address');
    },

    /**
     * Each check is counted as a failure before it runs, so that concurrent
     * guesses cannot all slip in before any failure is recorded; a match gives
     * back its own count only. Nothing resets a subject's failures before its
     * window ends: a success cannot wipe out guesses made by others, and a
     * success on one's own account touches no other key.
     */
    async checkPassword(subject, compare) {
      const key = subjectKey(subject);
      const window = await hit(key, limits.failuresPerAccount, 'failed password attempts for this account');
      const matches = await compare();
      if (matches) await repository.refund(key, window);
      return matches;
    },

    async forgetAccount(userId) {
      await repository.remove(subjectKey({ userId }));
    },
  };
}

/** With throttles off (RATE_LIMIT_ENABLED=false): nothing is counted, every check compares. */
export const noThrottles: AuthThrottles = {
  countLoginAttempt: async () => {},
  countRegistration: async () => {},
  checkPassword: (_subject, compare) => compare(),
  forgetAccount: async () => {},
};
