import { stripVTControlCharacters } from 'node:util';
import type { FastifyReply } from 'fastify';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { prettyFactory } from 'pino-pretty';
import type { BaseConfig } from './config';

export type { Logger };

/** Wide enough for the longest process name (posts-subgraph), so that messages line up under `npm start`. */
const SERVICE_COLUMN = 14;
/** Keys a readable line shows in a place of its own, or not at all (the process and host are the same on every line). */
const SHOWN_APART = ['level', 'time', 'msg', 'pid', 'hostname', 'name', 'requestId', 'req', 'res', 'responseTime', 'err'];
const ERROR_LEVEL = 50;

interface LogRecord {
  level: number;
  time: number;
  msg?: string;
  requestId?: string;
  res?: { statusCode: number; method: string; url: string };
  responseTime?: number;
  err?: { message: string; stack?: string };
  [key: string]: unknown;
}

/**
 * Logs for whoever reads them (config's LOG_FORMAT): JSON lines for programs,
 * or one readable line per event for a person at a terminal. Both go to stdout
 * unless given a destination. A request's Authorization header and passwords
 * never reach either.
 */
export function createLogger(service: string, { logLevel, logFormat }: Pick<BaseConfig, 'logLevel' | 'logFormat'>, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    name: service,
    level: logLevel,
    redact: {
      paths: ['req.headers.authorization', '*.password', 'password', '*.token', 'token'],
      censor: '[redacted]',
    },
  };
  if (logFormat === 'json') return pino(options, destination);
  // fastify's "request completed" names only the status; the line a person reads names what was asked too.
  const res = (reply: FastifyReply) => ({ statusCode: reply.statusCode, method: reply.request.method, url: reply.request.url });
  // Written at once, so that a line keeps its place among what else the process prints (npm start's own lines).
  return pino({ ...options, serializers: { res } }, prettyStream(service, destination ?? pino.destination({ dest: 1, sync: true })));
}

/** Turns each JSON line into a readable one: `gateway        12:34:56.789 INFO: GET /graphql 200 3.1 ms req=…`. */
function prettyStream(service: string, destination: DestinationStream): DestinationStream {
  const prettify = prettyFactory({
    levelFirst: true,
    hideObject: true,
    ignore: SHOWN_APART.filter((key) => !['level', 'time', 'msg'].includes(key)).join(','),
    customPrettifiers: {
      // Shown with the level instead, after the service name.
      time: () => '',
      level: (_level, _key, log, { labelColorized, colors }) =>
        `${colors.bold(service.padEnd(SERVICE_COLUMN))} ${colors.gray(clock((log as LogRecord).time))} ${labelColorized}`,
    },
    messageFormat: (log) => describe(log as LogRecord),
  });
  return {
    write(line: string) {
      const record = JSON.parse(line) as LogRecord;
      // The request's "request completed" line says it all, once.
      if (record.msg === 'incoming request') return;
      destination.write(prettify(record));
    },
  };
}

/** The local time of day to the millisecond: a terminal session rarely spans days. */
function clock(time: number): string {
  const date = new Date(time);
  return `${date.toTimeString().slice(0, 8)}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

/** The message (for a request: method, path, status and time), the other fields as key=value, the request id last; an error's stack below. */
function describe(log: LogRecord): string {
  const { res, responseTime } = log;
  const request = res && responseTime !== undefined ? `${res.method} ${res.url} ${res.statusCode} ${responseTime.toFixed(1)} ms` : undefined;
  const message = request && log.msg === 'request completed' ? undefined : log.msg;
  const error = log.err && log.err.message !== message ? `error=${log.err.message}` : undefined;
  const fields = Object.entries(log)
    .filter(([key]) => !SHOWN_APART.includes(key))
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join(',') || 'none' : typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  const line = [request, message, error, ...fields, log.requestId && `req=${log.requestId}`].filter(Boolean).join(' ');
  const stack = log.err?.stack && log.level >= ERROR_LEVEL ? `\n${log.err.stack.replace(/^/gm, '    ')}` : '';
  // Messages and fields may carry what a client sent: no escape sequence of theirs reaches the terminal.
  return stripVTControlCharacters(line + stack);
}
