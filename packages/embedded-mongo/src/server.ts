import net from 'node:net';
import { Long, ObjectId } from './bson';
import { isAwaitableHello } from './commands/admin';
import type { CommandContext, Member, ServerContext } from './context';
import { Cursors } from './cursors';
import { LEGACY_COMMANDS, runCommand, unsupportedOpQuery } from './dispatch';
import { Sessions } from './sessions';
import { Store } from './store';
import { Framer, MalformedMessage, OP_QUERY, type Request, encodeReply, parseMessage } from './wire';

const TTL_SWEEP_MS = 60_000;
export const REPLICA_SET_NAME = 'rs0';

export interface RunningServer {
  uri: string;
  port: number;
  stop(): Promise<void>;
}

export interface ListenOptions {
  host: string;
  port: number;
  /** How many change events are kept for resuming streams; older positions fail with ChangeStreamHistoryLost. */
  changeStreamHistory?: number;
}

/** The address clients use, and the member lists in `hello`: a wildcard bind is reached on loopback. */
function memberHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return net.isIPv6(host) ? `[${host}]` : host;
}

function electedMember(name: string): Member {
  const term = Date.now();
  // mongod's electionId is 0x7fffffff then the term, so that a later election compares greater.
  const electionId = new ObjectId(`7fffffff${Long.fromNumber(term).toString(16).padStart(16, '0')}`);
  return { setName: REPLICA_SET_NAME, name, term, electionId, processId: new ObjectId() };
}

/**
 * Serves one connection: its messages are answered one at a time, in order. A command answers
 * synchronously unless it waits (a change stream's getMore, an awaitable hello); later messages
 * of that connection then wait for it, while other connections go on.
 */
function serveConnection(socket: net.Socket, base: ServerContext, connectionId: number): void {
  const framer = new Framer();
  const closed = new AbortController();
  const pending: Buffer[] = [];
  let busy = false;

  const answer = async (request: Request): Promise<void> => {
    const name = Object.keys(request.command)[0] ?? '';
    const ctx: CommandContext = { ...base, db: request.db, connectionId, signal: closed.signal };
    if (request.opCode === OP_QUERY && !LEGACY_COMMANDS.has(name)) {
      socket.write(encodeReply(request, unsupportedOpQuery(name)).bytes);
      return;
    }
    let reply = runCommand(request.command, ctx);
    if (reply instanceof Promise) reply = await reply;
    if (request.noReply || closed.signal.aborted) return;
    if (!request.exhaustAllowed || !isAwaitableHello(request.command) || reply.ok !== 1) {
      socket.write(encodeReply(request, reply).bytes);
      return;
    }
    // The exhaust protocol: one request, then a reply each time the awaited hello answers, until the connection closes.
    let responseTo = request.requestId;
    for (;;) {
      const sent = encodeReply(request, reply, { moreToCome: true, responseTo });
      socket.write(sent.bytes);
      responseTo = sent.requestId;
      reply = await runCommand({ ...request.command, topologyVersion: reply.topologyVersion }, ctx);
      if (closed.signal.aborted) return;
    }
  };

  const drain = async (): Promise<void> => {
    busy = true;
    try {
      while (pending.length > 0 && !closed.signal.aborted) {
        const done = answer(parseMessage(pending.shift() as Buffer));
        await done;
      }
    } catch (err) {
      if (!(err instanceof MalformedMessage)) console.error('embedded-mongo: closing connection:', err);
      socket.destroy();
    } finally {
      busy = false;
    }
  };

  socket.setNoDelay(true);
  socket.on('close', () => closed.abort());
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    try {
      pending.push(...framer.push(chunk));
    } catch (err) {
      if (!(err instanceof MalformedMessage)) console.error('embedded-mongo: closing connection:', err);
      socket.destroy();
      return;
    }
    if (!busy) void drain();
  });
}

/** Listens on host:port as the primary of a single-node replica set. */
export async function listen({ host, port, changeStreamHistory }: ListenOptions): Promise<RunningServer> {
  const store = new Store(changeStreamHistory);
  const cursors = new Cursors();
  const sessions = new Sessions();
  const sockets = new Set<net.Socket>();
  let connections = 0;
  // Named once the port is known; no connection is served before listen() has resolved.
  const context: { base?: ServerContext } = {};

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveConnection(socket, context.base as ServerContext, ++connections);
  });

  const ttl = setInterval(() => {
    const now = Date.now();
    for (const db of store.databaseNames()) for (const coll of store.collections(db)) coll.expire(now);
  }, TTL_SWEEP_MS);
  ttl.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as net.AddressInfo).port;
  const address = `${memberHost(host)}:${actualPort}`;
  context.base = { store, cursors, sessions, member: electedMember(address) };

  return {
    uri: `mongodb://${address}/?replicaSet=${REPLICA_SET_NAME}`,
    port: actualPort,
    stop: () =>
      new Promise<void>((resolve) => {
        clearInterval(ttl);
        cursors.clear();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
