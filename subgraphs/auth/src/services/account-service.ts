import bcrypt from 'bcryptjs';
import { unauthenticated } from '@chirp/platform';
import type { UserRecord, UserRepository } from '../repositories/user-repository';
import type { AuthThrottles } from './auth-throttles';
import { createTokenIssuer, type IssuedToken } from './tokens';
import { validateRegistration, type RegistrationInput } from './validation';

export interface AuthPayload extends IssuedToken {
  /** The account just signed in to: its owner sees its e-mail although the request carried no token. */
  user: UserRecord & { signedIn: true };
}

export type AccountService = ReturnType<typeof createAccountService>;

export function createAccountService(
  users: UserRepository,
  throttles: AuthThrottles,
  options: { privateKey: string; ttlSeconds: number; bcryptRounds: number },
) {
  const issueToken = createTokenIssuer(options.privateKey, options.ttlSeconds);
  /**
   * Compared against when the login names nobody, so that an unknown username
   * costs the same bcrypt work as a wrong password and timing reveals nothing.
   */
  const dummyHash = bcrypt.hashSync('not-a-real-password', options.bcryptRounds);

  return {
    /**
     * Invalid input is refused before it counts against the address (a
     * mistyped form should not use up its registrations); a taken username or
     * e-mail counts, since probing which are taken is part of what it limits.
     */
    async register(input: RegistrationInput, clientAddress: string | null): Promise<AuthPayload> {
      const valid = validateRegistration(input);
      await throttles.countRegistration(clientAddress);
      const passwordHash = await bcrypt.hash(valid.password, options.bcryptRounds);
      const user = await users.create({ username: valid.username, name: valid.name, email: valid.email, passwordHash });
      return { ...issueToken(user.id), user: { ...user, signedIn: true } };
    },

    /**
     * `login` is a username or an e-mail address; unknown user and wrong
     * password fail alike. A name that matches nobody is throttled by that
     * name as an account is, so it is locked out alike too.
     */
    async login(login: string, password: string, clientAddress: string | null): Promise<AuthPayload> {
      const name = login.trim();
      await throttles.countLoginAttempt(clientAddress);
      const credentials = await users.findCredentials(name.includes('@') ? { email: name } : { username: name });
      const matches = await throttles.checkPassword(credentials ? { userId: credentials.user.id } : { unknownLogin: name }, () =>
        bcrypt.compare(password, credentials?.passwordHash ?? dummyHash),
      );
      if (!credentials || !matches) throw unauthenticated('Invalid username or password');
      return { ...issueToken(credentials.user.id), user: { ...credentials.user, signedIn: true } };
    },
  };
}
