/**
 * The bounds of what clients send (DESIGN "Identity and auth", "API
 * behaviour"): the services enforce them, and the gateway's REST route
 * schemas state them, from here, so that the two cannot drift apart.
 */

/** Letters, digits and underscores, unique regardless of case. */
export const USERNAME = { minLength: 3, maxLength: 30, characters: 'A-Za-z0-9_' } as const;

/**
 * Counted in UTF-8 bytes, not characters: bcrypt ignores every byte past the
 * 72nd, so a longer password would be silently truncated.
 */
export const PASSWORD_BYTES = { min: 8, max: 72 } as const;

/** Display names, in characters (code points) once trimmed. */
export const NAME = { minLength: 1, maxLength: 50 } as const;

/** A profile's bio, in characters (code points) once trimmed; an empty one removes it. */
export const BIO = { maxLength: 160 } as const;

/**
 * The mutations that check a password: each is a guess at one, so they share the limits on
 * password guessing (one per operation, and the per-address login limit; register has its own).
 */
export const PASSWORD_CHECKS = ['login', 'changePassword', 'deleteAccount'] as const;

/** 3 is the shortest address there is (a@b); 254 the longest SMTP carries (RFC 5321). */
export const EMAIL = { minLength: 3, maxLength: 254 } as const;

/** Post and comment text, in characters (code points) once trimmed. */
export const CONTENT = { minLength: 1, maxLength: 280 } as const;

/** `first` of a connection, `limit` of a REST list. */
export const PAGE_SIZE = { min: 1, max: 100, default: 20 } as const;
