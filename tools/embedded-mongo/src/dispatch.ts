import type { Document } from './bson';
import { adminCommands } from './commands/admin';
import { ddlCommands } from './commands/ddl';
import { readCommands } from './commands/read';
import { writeCommands } from './commands/write';
import type { CommandContext, Handler } from './context';
import { CommandError, asCommandError, commandNotFound, transactionsRefused } from './errors';

const handlers = new Map<string, Handler>(
  Object.entries({ ...adminCommands, ...ddlCommands, ...readCommands, ...writeCommands }),
);

/** Commands mongod 6+ still accepts over legacy OP_QUERY: only the handshake. */
export const LEGACY_COMMANDS = new Set(['hello', 'isMaster', 'ismaster']);

/** Runs one command to its reply document; never throws. */
export function runCommand(cmd: Document, ctx: CommandContext): Document {
  const name = Object.keys(cmd)[0] ?? '';
  try {
    if (cmd.txnNumber !== undefined || cmd.startTransaction !== undefined || cmd.autocommit !== undefined) {
      throw transactionsRefused();
    }
    const handler = handlers.get(name);
    if (!handler) throw commandNotFound(name);
    return { ...handler(cmd, ctx), ok: 1 };
  } catch (err) {
    return asCommandError(err).toReply();
  }
}

export function unsupportedOpQuery(name: string): Document {
  return new CommandError(
    352,
    'UnsupportedOpQueryCommand',
    `Unsupported OP_QUERY command: ${name}. The client driver may require an upgrade.`,
  ).toReply();
}
