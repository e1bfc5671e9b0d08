import pino, { type Logger } from 'pino';
import type { LogLevel } from './config';

export type { Logger };

/** JSON logs on stdout; a request's Authorization header and passwords never reach them. */
export function createLogger(service: string, level: LogLevel): Logger {
  return pino({
    name: service,
    level,
    redact: {
      paths: ['req.headers.authorization', '*.password', 'password', '*.token', 'token'],
      censor: '[redacted]',
    },
  });
}
