import bcrypt from 'bcryptjs';
import { isObjectId, parseId, unauthenticated, type Viewer } from '@chirp/platform';
import type { Loaders } from '../context';
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

    /** The signed-in user; null when anonymous. */
    async me(viewer: Viewer | null, loaders: Loaders): Promise<UserRecord | null> {
      return viewer ? loaders.userById.load(viewer.id) : null;
    },

    /** A malformed id is BAD_USER_INPUT; an id that matches nobody, null. */
    user(id: string, loaders: Loaders): Promise<UserRecord | null> {
      return loaders.userById.load(parseId(id, 'id'));
    },

    userByUsername(username: string): Promise<UserRecord | null> {
      return users.findByUsername(username);
    },

    /** Other subgraphs name users by id; an id that matches nobody resolves to null. */
    async byReference(id: string, loaders: Loaders): Promise<UserRecord | null> {
      return isObjectId(id) ? loaders.userById.load(id.toLowerCase()) : null;
    },

    /** An e-mail address is for its owner's eyes only: the viewer's own, or the account just signed in to. */
    emailOf(viewer: Viewer | null, user: UserRecord | AuthPayload['user']): string | null {
      return viewer?.id === user.id || ('signedIn' in user && user.signedIn) ? user.email : null;
    },
  };
}
