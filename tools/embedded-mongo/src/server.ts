import net from 'node:net';
import { Cursors } from './cursors';
import { LEGACY_COMMANDS, runCommand, unsupportedOpQuery } from './dispatch';
import { Store } from './store';
import { Framer, MalformedMessage, OP_QUERY, encodeReply, parseMessage } from './wire';

const TTL_SWEEP_MS = 60_000;

export interface RunningServer {
  uri: string;
  port: number;
  stop(): Promise<void>;
}

/** Listens on host:port and answers each message synchronously, in order, per connection. */
export async function listen(host: string, port: number): Promise<RunningServer> {
  const store = new Store();
  const cursors = new Cursors();
  const sockets = new Set<net.Socket>();
  let connections = 0;

  const server = net.createServer((socket) => {
    const connectionId = ++connections;
    const framer = new Framer();
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const frame of framer.push(chunk)) {
          const request = parseMessage(frame);
          const name = Object.keys(request.command)[0] ?? '';
          const ctx = { store, cursors, db: request.db, connectionId };
          const reply =
            request.opCode === OP_QUERY && !LEGACY_COMMANDS.has(name) ? unsupportedOpQuery(name) : runCommand(request.command, ctx);
          if (!request.noReply) socket.write(encodeReply(request, reply));
        }
      } catch (err) {
        if (!(err instanceof MalformedMessage)) console.error('embedded-mongo: closing connection:', err);
        socket.destroy();
      }
    });
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

  return {
    uri: `mongodb://127.0.0.1:${actualPort}/`,
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
