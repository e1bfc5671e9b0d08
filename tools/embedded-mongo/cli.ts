import { parseArgs } from 'node:util';
import { startEmbeddedMongo } from './index';

const USAGE = 'usage: npm run mongo:embedded -- [--port <0-65535>] [--host <address>]';

function fail(message: string): never {
  console.error(`embedded-mongo: ${message}. ${USAGE}`);
  process.exit(2);
}

function parse(): { port: number; host: string } {
  let values: { port?: string; host?: string };
  try {
    ({ values } = parseArgs({
      options: { port: { type: 'string' }, host: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  const port = values.port === undefined ? 27017 : Number(values.port);
  if (!/^\d+$/.test(values.port ?? '0') || !Number.isInteger(port) || port > 65535) {
    fail(`invalid --port '${values.port}'`);
  }
  return { port, host: values.host ?? '127.0.0.1' };
}

async function main(): Promise<void> {
  const { port, host } = parse();
  let server;
  try {
    server = await startEmbeddedMongo({ port, host });
  } catch (err) {
    console.error(`embedded-mongo: cannot listen on ${host}:${port}: ${(err as Error).message}`);
    process.exit(1);
  }
  process.stdout.write(`${server.uri}\n`);
  const shutdown = () => {
    void server.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

void main();
