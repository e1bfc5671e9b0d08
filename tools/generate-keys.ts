/**
 * `npm run -s keys > .env`: a fresh ES256 key pair, service secret and
 * MongoDB passwords as .env lines, for docker compose and any deployment
 * (newlines escaped as \n, which the configuration accepts). .env is in
 * .gitignore and .dockerignore: it must never reach a commit or an image.
 */
import { randomBytes } from 'node:crypto';
import { generateTokenKeyPair, generateServiceSecret } from '@chirp/platform';

const { privateKey, publicKey } = generateTokenKeyPair();
const line = (name: string, pem: string) => `${name}="${pem.trim().replace(/\n/g, '\\n')}"`;
console.log(line('JWT_PRIVATE_KEY', privateKey));
console.log(line('JWT_PUBLIC_KEY', publicKey));
console.log(`SERVICE_SECRET=${generateServiceSecret()}`);
// URL-safe, so that they go into MONGODB_URI as they are.
for (const name of ['MONGO_ROOT_PASSWORD', 'AUTH_DB_PASSWORD', 'POSTS_DB_PASSWORD', 'USERS_DB_PASSWORD']) {
  console.log(`${name}=${randomBytes(24).toString('base64url')}`);
}
