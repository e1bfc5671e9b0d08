import { generateKeyPairSync } from 'node:crypto';

let pair: { privateKey: string; publicKey: string } | undefined;

/** One ES256 key pair per test worker: generating is cheap, but not free. */
export function testKeys(): { privateKey: string; publicKey: string } {
  pair ??= generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return pair;
}
