import bcrypt from 'bcryptjs';
import { badUserInput, conflict, isObjectId, parseId, unauthenticated, type Viewer } from '@chirp/platform';
import { requireViewer } from '@chirp/subgraph-kit';
import type { Loaders } from '../context';
import type { SessionRepository } from '../repositories/session-repository';
import type { UserRecord, UserRepository } from '../repositories/user-repository';
import type { AuthThrottles } from './auth-throttles';
import { createTokenIssuer, type IssuedToken } from './tokens';
import { validatePassword, validateProfileChange, validateRegistration, type RegistrationInput } from './validation';

export interface AuthPayload extends IssuedToken {
  /** The account just signed in to: its owner sees its e-mail although the request carried no token. */
  user: UserRecord & { signedIn: true };
}

export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
}

export type AccountService = ReturnType<typeof createAccountService>;

export function createAccountService(
  repositories: { users: UserRepository; sessions: SessionRepository },
  throttles: AuthThrottles,
  options: { privateKey: string; ttlSeconds: number; bcryptRounds: number },
) {
  const { users, sessions } = repositories;
  const issueToken = createTokenIssuer(options.privateKey, options.ttlSeconds);
  /**
   * Compared against when the login names nobody, so that an unknown username
   * costs the same bcrypt work as a wrong password and timing reveals nothing.
   */
  const dummyHash = bcrypt.hashSync('not-a-real-password', options.bcryptRounds);

  /** Opens a session for the account and issues its token. */
  async function signIn(user: UserRecord, sessionId = sessions.newId()): Promise<AuthPayload> {
    const issued = issueToken(user.id, sessionId);
    await sessions.open({ id: sessionId, userId: user.id, expiresAt: issued.expiresAt });
    return { ...issued, user: { ...user, signedIn: true } };
  }

  /**
   * Confirms the signed-in user's password before an operation that needs it (a password change, a
   * deletion). Each check counts as a login attempt from the address and, when wrong, as a failure
   * against the account: a stolen token is not a way around the limits on guessing the password.
   */
  async function confirmPassword(viewer: Viewer, password: string, field: string, clientAddress: string | null) {
    await throttles.countLoginAttempt(clientAddress);
    const credentials = await users.findCredentials({ id: viewer.id });
    if (!credentials) throw unauthenticated('The account of this token does not exist');
    const matches = await throttles.checkPassword({ userId: viewer.id }, () => bcrypt.compare(password, credentials.passwordHash));
    if (!matches) throw badUserInput(`${field} is not the account's password`, field);
    return credentials;
  }

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
      return signIn(await users.create({ username: valid.username, name: valid.name, email: valid.email, passwordHash }));
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
      return signIn(credentials.user);
    },

    /** Ends the session of the token used, or every session of its account. */
    async logout(viewer: Viewer | null, allSessions: boolean): Promise<boolean> {
      const { id, sessionId } = requireViewer(viewer);
      await (allSessions ? sessions.endAllOf(id) : sessions.end(sessionId));
      return true;
    },

    /**
     * Replaces the password and ends every session of the account, the caller's too: a password is
     * often changed because a token leaked, and the leaked copy must stop working as well. The
     * caller stays signed in with the fresh token of a new session.
     */
    async changePassword(viewer: Viewer | null, change: PasswordChange, clientAddress: string | null): Promise<AuthPayload> {
      const signedIn = requireViewer(viewer);
      const newPassword = validatePassword(change.newPassword, 'newPassword');
      const credentials = await confirmPassword(signedIn, change.currentPassword, 'currentPassword', clientAddress);
      const newHash = await bcrypt.hash(newPassword, options.bcryptRounds);
      if (!(await users.replacePasswordHash(signedIn.id, credentials.passwordHash, newHash))) {
        throw conflict('The password was changed by another request meanwhile', 'currentPassword');
      }
      const sessionId = sessions.newId();
      const payload = await signIn(credentials.user, sessionId);
      await sessions.endAllOf(signedIn.id, sessionId);
      return payload;
    },

    /**
     * Deletes the account at once: its sessions end (its tokens stop working), then the account
     * itself goes, freeing its username and e-mail. Its deletion reaches the other services on auth's
     * account stream (events.ts), and each removes what it holds of the account.
     */
    async deleteAccount(viewer: Viewer | null, password: string, clientAddress: string | null): Promise<boolean> {
      const signedIn = requireViewer(viewer);
      await confirmPassword(signedIn, password, 'password', clientAddress);
      // Sessions first: should the process stop in between, the account still exists and can be deleted again.
      await sessions.endAllOf(signedIn.id);
      await users.delete(signedIn.id);
      await throttles.forgetAccount(signedIn.id);
      return true;
    },

    async updateProfile(viewer: Viewer | null, input: { name?: string | null; bio?: string | null }): Promise<UserRecord> {
      const { id } = requireViewer(viewer);
      const updated = await users.updateProfile(id, validateProfileChange(input));
      if (!updated) throw unauthenticated('The account of this token does not exist');
      return updated;
    },

    /** Whose the session is while it is open, null once it has ended: every service's check of a token. */
    sessionOwner(sessionId: string): Promise<string | null> {
      return isObjectId(sessionId) ? sessions.ownerOf(sessionId.toLowerCase()) : Promise.resolve(null);
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
