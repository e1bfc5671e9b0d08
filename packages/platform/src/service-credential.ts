import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { invalidToken } from './errors';

/**
 * The short-lived credential with which the gateway (and a subgraph asking
 * another, as users asks auth) proves itself on every internal call, so that a
 * subgraph reached directly is not a way around the gateway's limits. An
 * HMAC-signed JWT over a secret the services share: signing and checking one
 * costs microseconds, and it carries the client's address as the gateway saw
 * it, which a subgraph may then count per-address limits against.
 */
export const SERVICE_CREDENTIAL_HEADER = 'x-chirp-service-credential';
const ALGORITHM = 'HS256';
const AUDIENCE = 'chirp-subgraphs';
/** Long enough for one request's subgraph calls, short enough that a leaked one is soon worthless. */
const LIFETIME_SECONDS = 60;
/** A credential is signed once and reused for calls from the same client address for this long. */
const REUSE_MS = 20_000;
const MAX_CACHED = 10_000;

/** 256 random bits, as SERVICE_SECRET wants them (`npm run keys`, and `npm start` when none is given). */
export function generateServiceSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Who made an internal call, and for which client. */
export interface ServiceCaller {
  /** The calling service: `gateway`, or a subgraph's name. */
  service: string;
  /** The end client's address as the caller saw it; null when the call is the service's own. */
  clientAddress: string | null;
}

/** Signs credentials for `service`; remembers them briefly so a busy gateway signs once per client, not per call. */
export function createCredentialSigner(secret: string, service: string) {
  const signed = new Map<string, { credential: string; until: number }>();
  return (clientAddress: string | null): string => {
    const key = clientAddress ?? '';
    const now = Date.now();
    const cached = signed.get(key);
    if (cached && cached.until > now) return cached.credential;
    const credential = jwt.sign({ addr: clientAddress }, secret, {
      algorithm: ALGORITHM,
      audience: AUDIENCE,
      issuer: service,
      expiresIn: LIFETIME_SECONDS,
    });
    if (signed.size >= MAX_CACHED) signed.clear();
    signed.set(key, { credential, until: now + REUSE_MS });
    return credential;
  };
}

export type CredentialSigner = ReturnType<typeof createCredentialSigner>;

/**
 * Checks a call's credential. A missing one is accepted only where the
 * deployment does not require it (outside production by default), and then
 * the caller is unknown; a present but bad one is always refused.
 */
export function verifyServiceCredential(
  header: string | undefined,
  options: { secret: string | null; required: boolean },
): ServiceCaller | null {
  if (header === undefined || header === '') {
    if (options.required) throw invalidToken('This service answers only the Chirp gateway');
    return null;
  }
  if (!options.secret) throw invalidToken('This service does not accept service credentials');
  let payload: string | jwt.JwtPayload;
  try {
    payload = jwt.verify(header, options.secret, { algorithms: [ALGORITHM], audience: AUDIENCE });
  } catch {
    throw invalidToken('Invalid service credential');
  }
  if (typeof payload === 'string' || typeof payload.iss !== 'string' || typeof payload.exp !== 'number') {
    throw invalidToken('Invalid service credential');
  }
  return { service: payload.iss, clientAddress: typeof payload.addr === 'string' ? payload.addr : null };
}
