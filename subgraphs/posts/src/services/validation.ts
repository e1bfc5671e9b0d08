import { badUserInput } from '@chirp/platform';

const MAX_CONTENT_LENGTH = 280;

/** Control characters other than line breaks and tabs (NUL, escape sequences) have no place in a post. */
const FORBIDDEN_CONTROL = /[^\P{Cc}\n\r\t]/u;

/** Post and comment text: 1-280 characters (code points) once trimmed. */
export function validateContent(content: string): string {
  const trimmed = content.trim();
  const length = [...trimmed].length;
  if (length < 1 || length > MAX_CONTENT_LENGTH) {
    throw badUserInput(`content must be 1-${MAX_CONTENT_LENGTH} characters`, 'content');
  }
  if (FORBIDDEN_CONTROL.test(trimmed)) throw badUserInput('content must not contain control characters', 'content');
  return trimmed;
}
