import { Binary, type Document, Long } from './bson';
import { adminCommands } from './commands/admin';
import { ddlCommands } from './commands/ddl';
import { readCommands } from './commands/read';
import { writeCommands } from './commands/write';
import type { CommandContext, Handler } from './context';
import { CommandError, asCommandError, commandNotFound, notARetryableWriteCommand, transactionsRefused } from './errors';

const handlers = new Map<string, Handler>(
  Object.entries({ ...adminCommands, ...ddlCommands, ...readCommands, ...writeCommands }),
);

/** Commands mongod 6+ still accepts over legacy OP_QUERY: only the handshake. */
export const LEGACY_COMMANDS = new Set(['hello', 'isMaster', 'ismaster']);

const RETRYABLE_WRITES = new Set(['insert', 'update', 'delete', 'findAndModify', 'findandmodify']);
const TRANSACTION_COMMANDS = new Set(['commitTransaction', 'abortTransaction']);
/** Nobody signs cluster times here (there is no auth), so the signature is mongod's all-zero one. */
const UNSIGNED = { hash: new Binary(Buffer.alloc(20)), keyId: Long.ZERO };

/**
 * Transactions are refused outright. A txnNumber without them makes a retryable write: the
 * context then carries the statements its session has already applied under that txnNumber.
 */
function withSession(cmd: Document, name: string, ctx: CommandContext): CommandContext {
  if (cmd.startTransaction !== undefined || cmd.autocommit !== undefined || TRANSACTION_COMMANDS.has(name)) throw transactionsRefused();
  if (cmd.txnNumber === undefined) return ctx;
  if (!RETRYABLE_WRITES.has(name)) throw notARetryableWriteCommand(name);
  return { ...ctx, statements: ctx.sessions.begin(cmd.lsid, cmd.txnNumber) };
}

/** As a replica set member does, every reply carries the cluster time, which drivers gossip and change streams start from. */
function clusterTime(ctx: CommandContext): Document {
  const ts = ctx.store.oplog.latestTs;
  return { $clusterTime: { clusterTime: ts, signature: UNSIGNED }, operationTime: ts };
}

/** Runs one command to its reply document; never throws. A reply is a promise only while the command waits. */
export function runCommand(cmd: Document, ctx: CommandContext): Document | Promise<Document> {
  const name = Object.keys(cmd)[0] ?? '';
  const succeeded = (reply: Document) => ({ ...reply, ok: 1, ...clusterTime(ctx) });
  const failed = (err: unknown) => ({ ...asCommandError(err).toReply(), ...clusterTime(ctx) });
  try {
    const scoped = withSession(cmd, name, ctx);
    const handler = handlers.get(name);
    if (!handler) throw commandNotFound(name);
    const reply = handler(cmd, scoped);
    return reply instanceof Promise ? reply.then(succeeded, failed) : succeeded(reply);
  } catch (err) {
    return failed(err);
  }
}

export function unsupportedOpQuery(name: string): Document {
  return new CommandError(
    352,
    'UnsupportedOpQueryCommand',
    `Unsupported OP_QUERY command: ${name}. The client driver may require an upgrade.`,
  ).toReply();
}
