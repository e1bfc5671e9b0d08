import { badUserInput } from './errors';

export const OBJECT_ID_LENGTH = 24;
/** A MongoDB ObjectId as hexadecimal digits in either case; a JSON Schema pattern too (the REST path parameters). */
export const OBJECT_ID_PATTERN = `^[0-9a-fA-F]{${OBJECT_ID_LENGTH}}$`;
const OBJECT_ID = new RegExp(OBJECT_ID_PATTERN);

export function isObjectId(value: unknown): value is string {
  return typeof value === 'string' && OBJECT_ID.test(value);
}

/** Checks a client-supplied id; `field` is the argument's name for the error. Ids are stored lower-case. */
export function parseId(value: string, field: string): string {
  if (!isObjectId(value)) throw badUserInput(`${field} must be a ${OBJECT_ID_LENGTH}-character hexadecimal id`, field);
  return value.toLowerCase();
}
