import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { invalidToken } from './errors';
import { isObjectId } from './ids';

/** Who makes a request (null when it carries no token), and in which session: the one its token names. */
export interface Viewer {
  id: string;
  sessionId: string;
}

export const TOKEN_ISSUER = 'chirp-auth';
export const TOKEN_AUDIENCE = 'chirp';
/** Pinned, so that a token cannot choose its own algorithm (no `none`, no HS256 signed with the public key). */
export const TOKEN_ALGORITHM = 'ES256';

/**
 * Per public key: the key parsed once (parsing the PEM cost twice the
 * signature check), and the tokens it has verified, until they expire: one
 * request's token reaches the gateway and then up to four subgraph calls.
 * Bounded: when full, it starts over.
 */
const verifiers = new Map<string, { key: KeyObject; verified: Map<string, { viewer: Viewer; expiresAtMs: number }> }>();
const MAX_VERIFIED = 10_000;

function verifierFor(publicKey: string) {
  let verifier = verifiers.get(publicKey);
  if (!verifier) verifiers.set(publicKey, (verifier = { key: createPublicKey(publicKey), verified: new Map() }));
  return verifier;
}

/** Verifies a token and returns whose it is; any fault is UNAUTHENTICATED, never anonymity. */
export function verifyToken(token: string, publicKey: string): Viewer {
  const { key, verified } = verifierFor(publicKey);
  const known = verified.get(token);
  if (known && known.expiresAtMs > Date.now()) return known.viewer;
  let payload: string | jwt.JwtPayload;
  try {
    payload = jwt.verify(token, key, {
      algorithms: [TOKEN_ALGORITHM],
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
    });
  } catch (error) {
    throw invalidToken(error instanceof jwt.TokenExpiredError ? 'Token expired' : 'Invalid token');
  }
  // A token without a session (issued before sessions existed) cannot be signed out of, so it is refused.
  if (typeof payload === 'string' || typeof payload.exp !== 'number' || !isObjectId(payload.sub) || !isObjectId(payload.sid)) {
    throw invalidToken('Invalid token');
  }
  const viewer = { id: payload.sub.toLowerCase(), sessionId: payload.sid.toLowerCase() };
  if (verified.size >= MAX_VERIFIED) verified.clear();
  verified.set(token, { viewer, expiresAtMs: payload.exp * 1000 });
  return viewer;
}

/** Reads `Authorization: Bearer <token>`; no header means anonymous, a malformed one is refused. */
export function viewerFromAuthorization(header: string | undefined, publicKey: string): Viewer | null {
  if (header === undefined || header === '') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw invalidToken('Authorization must be "Bearer <token>"');
  return verifyToken(match[1], publicKey);
}

/** A new ES256 (EC P-256) key pair in PEM, for `npm start`, `npm run keys` and tests. */
export function generateTokenKeyPair(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
}
