import { EmailAddressResolver } from 'graphql-scalars';
import { badUserInput } from '@chirp/platform';

const USERNAME = /^[A-Za-z0-9_]{3,30}$/;
const MIN_PASSWORD_BYTES = 8;
/** bcrypt ignores every byte past the 72nd, so a longer password would be silently truncated. */
const MAX_PASSWORD_BYTES = 72;
const MAX_NAME_LENGTH = 50;
const MAX_EMAIL_LENGTH = 254;

export interface RegistrationInput {
  username: string;
  password: string;
  name: string;
  email: string;
}

export function validateUsername(username: string): string {
  if (!USERNAME.test(username)) {
    throw badUserInput('username must be 3-30 characters of letters, digits and underscores', 'username');
  }
  return username;
}

export function validatePassword(password: string): string {
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes < MIN_PASSWORD_BYTES || bytes > MAX_PASSWORD_BYTES) {
    throw badUserInput(`password must be ${MIN_PASSWORD_BYTES}-${MAX_PASSWORD_BYTES} bytes long`, 'password');
  }
  return password;
}

export function validateName(name: string): string {
  const trimmed = name.trim();
  const length = [...trimmed].length;
  if (length < 1 || length > MAX_NAME_LENGTH || /\p{Cc}/u.test(trimmed)) {
    throw badUserInput(`name must be 1-${MAX_NAME_LENGTH} printable characters`, 'name');
  }
  return trimmed;
}

export function validateEmail(email: string): string {
  const trimmed = email.trim();
  try {
    if (trimmed.length > MAX_EMAIL_LENGTH) throw new Error('too long');
    EmailAddressResolver.parseValue(trimmed);
  } catch {
    throw badUserInput('email must be a valid e-mail address', 'email');
  }
  return trimmed.toLowerCase();
}

export function validateRegistration(input: RegistrationInput): RegistrationInput {
  return {
    username: validateUsername(input.username),
    password: validatePassword(input.password),
    name: validateName(input.name),
    email: validateEmail(input.email),
  };
}
