import { badUserInput } from './errors';

const OBJECT_ID = /^[0-9a-f]{24}$/i;

export function isObjectId(value: unknown): value is string {
  return typeof value === 'string' && OBJECT_ID.test(value);
}

/** Checks a client-supplied id; `field` is the argument's name for the error. Ids are stored lower-case. */
export function parseId(value: string, field: string): string {
  if (!isObjectId(value)) throw badUserInput(`${field} must be a 24-character hexadecimal id`, field);
  return value.toLowerCase();
}
