import { parseArgs } from 'node:util';
import { DEFAULT_CHANGE_STREAM_HISTORY, startEmbeddedMongo } from './index';

const USAGE = 'usage: npm run mongo:embedded -- [--port <0-65535>] [--host <address>] [--change-stream-history <events>]';

function fail(message: string): never {
  console.error(`embedded-mongo: ${message}. ${USAGE}`);
  process.exit(2);
}

function parse(): { port: number; host: string; changeStreamHistory: number } {
  let values: { port?: string; host?: string; 'change-stream-history'?: string };
  try {
    ({ values } = parseArgs({
      options: { port: { type: 'string' }, host: { type: 'string' }, 'change-stream-history': { type: 'string' } },
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
  const history = values['change-stream-history'];
  const changeStreamHistory = history === undefined ? DEFAULT_CHANGE_STREAM_HISTORY : Number(history);
  if (!/^\d+$/.test(history ?? '1') || !Number.isSafeInteger(changeStreamHistory) || changeStreamHistory < 1) {
    fail(`invalid --change-stream-history '${history}': a number of events, at least 1`);
  }
  return { port, host: values.host ?? '127.0.0.1', changeStreamHistory };
}

async function main(): Promise<void> {
  const { port, host, changeStreamHistory } = parse();
  let server;
  try {
    server = await startEmbeddedMongo({ port, host, changeStreamHistory });
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
