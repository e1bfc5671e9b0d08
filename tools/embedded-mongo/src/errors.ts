import { MingoError } from 'mingo/util';
import type { Document } from './bson';

/** A command failure, answered as mongod does: `{ ok: 0, errmsg, code, codeName, ...extra }`. */
export class CommandError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
    readonly extra: Document = {},
  ) {
    super(message);
  }

  toReply(): Document {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }
}

export const badValue = (msg: string) => new CommandError(2, 'BadValue', msg);
export const failedToParse = (msg: string) => new CommandError(9, 'FailedToParse', msg);
export const illegalOperation = (msg: string) => new CommandError(20, 'IllegalOperation', msg);
export const namespaceNotFound = (msg: string) => new CommandError(26, 'NamespaceNotFound', msg);
export const indexNotFound = (msg: string) => new CommandError(27, 'IndexNotFound', msg);
export const cursorNotFound = (id: number) => new CommandError(43, 'CursorNotFound', `cursor id ${id} not found`);
export const namespaceExists = (ns: string) => new CommandError(48, 'NamespaceExists', `Collection ${ns} already exists.`);
export const commandNotFound = (name: string) => new CommandError(59, 'CommandNotFound', `no such command: '${name}'`);
export const immutableField = (msg: string) => new CommandError(66, 'ImmutableField', msg);
export const invalidOptions = (msg: string) => new CommandError(72, 'InvalidOptions', msg);
export const indexOptionsConflict = (msg: string) => new CommandError(85, 'IndexOptionsConflict', msg);
export const indexKeySpecsConflict = (msg: string) => new CommandError(86, 'IndexKeySpecsConflict', msg);
export const invalidNamespace = (msg: string) => new CommandError(73, 'InvalidNamespace', msg);
export const typeMismatch = (msg: string) => new CommandError(14, 'TypeMismatch', msg);
export const notSupported = (what: string) =>
  new CommandError(115, 'CommandNotSupported', `${what} is not supported by the embedded MongoDB server`);

export const transactionsRefused = () =>
  illegalOperation('Transaction numbers are only allowed on a replica set member or mongos');

/** mingo rejecting a filter, update or pipeline is the client's fault (BadValue); anything else is ours. */
export function asCommandError(err: unknown): CommandError {
  if (err instanceof CommandError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof MingoError) return badValue(message);
  return new CommandError(1, 'InternalError', message);
}
