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
export const noMatchingDocument = (msg: string) => new CommandError(47, 'NoMatchingDocument', msg);
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

export const cursorKilled = (id: number) => new CommandError(237, 'CursorKilled', `cursor id ${id} was killed`);
export const cursorInUse = (id: number) => new CommandError(292, 'CursorInUse', `Cursor already in use (id: ${id})`);
export const transactionTooOld = (msg: string) => new CommandError(225, 'TransactionTooOld', msg);
export const invalidResumeToken = (msg: string) => new CommandError(260, 'InvalidResumeToken', msg);
export const notARetryableWriteCommand = (name: string) =>
  new CommandError(
    50768,
    'NotARetryableWriteCommand',
    `txnNumber may only be provided for multi-document transactions and retryable write commands. autocommit:false was not provided, and ${name} is not a retryable write command.`,
  );

/** An error mongod raises by a bare assertion code, with no name of its own. */
export const location = (code: number, msg: string) => new CommandError(code, `Location${code}`, msg);

export const changeStreamNotFirst = () => location(40602, '$changeStream is only valid as the first stage in a pipeline');

/** Both mean the stream cannot go on from where it is; mongod labels them so drivers do not resume. */
const NON_RESUMABLE = { errorLabels: ['NonResumableChangeStreamError'] };
export const changeStreamFatal = (msg: string) => new CommandError(280, 'ChangeStreamFatalError', msg, NON_RESUMABLE);
export const changeStreamHistoryLost = () =>
  new CommandError(
    286,
    'ChangeStreamHistoryLost',
    'Resume of change stream was not possible, as the resume point may no longer be in the oplog.',
    NON_RESUMABLE,
  );

/**
 * Not IllegalOperation (20): the driver rewrites that code on any write into its "does not support
 * retryable writes" message and drops the code, which is the confusion this error exists to avoid.
 */
export const transactionsRefused = () =>
  new CommandError(
    263,
    'OperationNotSupportedInTransaction',
    'Transactions are not supported by the embedded MongoDB server: run each command on its own, without startTransaction',
  );

/** mingo rejecting a filter, update or pipeline is the client's fault (BadValue); anything else is ours. */
export function asCommandError(err: unknown): CommandError {
  if (err instanceof CommandError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof MingoError) return badValue(message);
  return new CommandError(1, 'InternalError', message);
}
