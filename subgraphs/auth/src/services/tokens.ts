import jwt from 'jsonwebtoken';
import { TOKEN_ALGORITHM, TOKEN_AUDIENCE, TOKEN_ISSUER } from '@chirp/platform';

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

/**
 * Signs access tokens with the private key; every other process verifies them with the public key.
 * A token names its session (`sid`), so that signing out of it ends the token.
 */
export function createTokenIssuer(privateKey: string, ttlSeconds: number) {
  return (userId: string, sessionId: string): IssuedToken => {
    const issuedAt = Math.floor(Date.now() / 1000);
    const expiresAt = issuedAt + ttlSeconds;
    const token = jwt.sign({ sub: userId, sid: sessionId, iat: issuedAt, exp: expiresAt }, privateKey, {
      algorithm: TOKEN_ALGORITHM,
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
    });
    return { token, expiresAt: new Date(expiresAt * 1000) };
  };
}
