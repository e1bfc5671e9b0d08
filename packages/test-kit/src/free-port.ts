import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Where the kernel's ephemeral ports start (Linux's default when it cannot be read). */
function ephemeralStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return low && low > 12_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

const LOWEST = 10_000;

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A port that was free a moment ago, for processes that cannot be told to pick their own. It is
 * taken below the kernel's ephemeral range, so that no process binding port 0 meanwhile (an embedded
 * database, an outgoing connection) can be given the same one before it is used.
 */
export async function freePort(taken: ReadonlySet<number> = new Set()): Promise<number> {
  const span = ephemeralStart() - LOWEST;
  for (;;) {
    const port = LOWEST + Math.floor(Math.random() * span);
    if (!taken.has(port) && (await bindable(port))) return port;
  }
}
