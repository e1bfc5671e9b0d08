import { badUserInput, CONTENT } from '@chirp/platform';

/** Control characters other than line breaks and tabs (NUL, escape sequences) have no place in a post. */
const FORBIDDEN_CONTROL = /[^\P{Cc}\n\r\t]/u;

/** Post and comment text: 1-280 characters (code points) once trimmed. */
export function validateContent(content: string): string {
  const trimmed = content.trim();
  const length = [...trimmed].length;
  if (length < CONTENT.minLength || length > CONTENT.maxLength) {
    throw badUserInput(`content must be ${CONTENT.minLength}-${CONTENT.maxLength} characters`, 'content');
  }
  if (FORBIDDEN_CONTROL.test(trimmed)) throw badUserInput('content must not contain control characters', 'content');
  return trimmed;
}
