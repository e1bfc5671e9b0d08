import { generateKeyPairSync } from 'node:crypto';
import { generateServiceSecret } from '@chirp/platform';

/** A fresh EC key pair in PEM: P-256 is what ES256 needs; other curves are for tests of refusals. */
export function ecKeyPair(namedCurve = 'P-256'): { privateKey: string; publicKey: string } {
  return generateKeyPairSync('ec', {
    namedCurve,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
}

let pair: { privateKey: string; publicKey: string } | undefined;

/** One ES256 key pair per test worker: generating is cheap, but not free. */
export function testKeys(): { privateKey: string; publicKey: string } {
  pair ??= ecKeyPair();
  return pair;
}

/** The secret the test stacks sign internal calls with (SERVICE_SECRET); a test that forges a credential uses another. */
export const TEST_SERVICE_SECRET = generateServiceSecret();
