/**
 * `npm run -s keys > .env`: a fresh ES256 key pair as .env lines, for
 * docker compose and any deployment (newlines escaped as \n, which the
 * configuration accepts).
 */
import { generateTokenKeyPair } from '../subgraphs/common/src/auth';

const { privateKey, publicKey } = generateTokenKeyPair();
const line = (name: string, pem: string) => `${name}="${pem.trim().replace(/\n/g, '\\n')}"`;
console.log(line('JWT_PRIVATE_KEY', privateKey));
console.log(line('JWT_PUBLIC_KEY', publicKey));
