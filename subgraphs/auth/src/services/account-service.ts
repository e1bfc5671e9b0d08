import bcrypt from 'bcryptjs';
import { unauthenticated } from '../../../common/src/errors';
import type { UserRecord, UserRepository } from '../repositories/user-repository';
import { createTokenIssuer, type IssuedToken } from './tokens';
import { validateRegistration, type RegistrationInput } from './validation';

export interface AuthPayload extends IssuedToken {
  /** The account just signed in to: its owner sees its e-mail although the request carried no token. */
  user: UserRecord & { signedIn: true };
}

export type AccountService = ReturnType<typeof createAccountService>;

export function createAccountService(
  users: UserRepository,
  options: { privateKey: string; ttlSeconds: number; bcryptRounds: number },
) {
  const issueToken = createTokenIssuer(options.privateKey, options.ttlSeconds);
  /**
   * Compared against when the login names nobody, so that an unknown username
   * costs the same bcrypt work as a wrong password and timing reveals nothing.
   */
  const dummyHash = bcrypt.hashSync('not-a-real-password', options.bcryptRounds);

  return {
    async register(input: RegistrationInput): Promise<AuthPayload> {
      const valid = validateRegistration(input);
      const passwordHash = await bcrypt.hash(valid.password, options.bcryptRounds);
      const user = await users.create({ username: valid.username, name: valid.name, email: valid.email, passwordHash });
      return { ...issueToken(user.id), user: { ...user, signedIn: true } };
    },

    /** `login` is a username or an e-mail address; unknown user and wrong password fail alike. */
    async login(login: string, password: string): Promise<AuthPayload> {
      const name = login.trim();
      const credentials = await users.findCredentials(name.includes('@') ? { email: name } : { username: name });
      const matches = await bcrypt.compare(password, credentials?.passwordHash ?? dummyHash);
      if (!credentials || !matches) throw unauthenticated('Invalid username or password');
      return { ...issueToken(credentials.user.id), user: { ...credentials.user, signedIn: true } };
    },
  };
}
