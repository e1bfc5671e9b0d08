import { EmailAddressResolver } from 'graphql-scalars';
import { badUserInput, BIO, EMAIL, NAME, PASSWORD_BYTES, USERNAME } from '@chirp/platform';
import type { ProfileChange } from '../repositories/user-repository';

const USERNAME_PATTERN = new RegExp(`^[${USERNAME.characters}]{${USERNAME.minLength},${USERNAME.maxLength}}$`);

export interface RegistrationInput {
  username: string;
  password: string;
  name: string;
  email: string;
}

export function validateUsername(username: string): string {
  if (!USERNAME_PATTERN.test(username)) {
    throw badUserInput(`username must be ${USERNAME.minLength}-${USERNAME.maxLength} characters of letters, digits and underscores`, 'username');
  }
  return username;
}

export function validatePassword(password: string, field = 'password'): string {
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes < PASSWORD_BYTES.min || bytes > PASSWORD_BYTES.max) {
    throw badUserInput(`${field} must be ${PASSWORD_BYTES.min}-${PASSWORD_BYTES.max} bytes long`, field);
  }
  return password;
}

export function validateName(name: string): string {
  const trimmed = name.trim();
  const length = [...trimmed].length;
  if (length < NAME.minLength || length > NAME.maxLength || /\p{Cc}/u.test(trimmed)) {
    throw badUserInput(`name must be ${NAME.minLength}-${NAME.maxLength} printable characters`, 'name');
  }
  return trimmed;
}

export function validateEmail(email: string): string {
  const trimmed = email.trim();
  try {
    if (trimmed.length > EMAIL.maxLength) throw new Error('too long');
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

export function validateBio(bio: string): string | null {
  const trimmed = bio.trim();
  if ([...trimmed].length > BIO.maxLength || /(?!\n)\p{Cc}/u.test(trimmed)) {
    throw badUserInput(`bio must be at most ${BIO.maxLength} printable characters`, 'bio');
  }
  return trimmed === '' ? null : trimmed;
}

/** A field left out stays as it is; a null or empty bio removes it; every account keeps a name. */
export function validateProfileChange(input: { name?: string | null; bio?: string | null }): ProfileChange {
  if (input.name === null) throw badUserInput('name cannot be removed, only changed', 'name');
  return {
    ...(input.name === undefined ? {} : { name: validateName(input.name) }),
    ...(input.bio === undefined ? {} : { bio: input.bio === null ? null : validateBio(input.bio) }),
  };
}
