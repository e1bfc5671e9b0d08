import { ConfigError } from './config';
import type { RunningService } from './http-server';

/** A stop that has not finished by then (a hung connection, a stuck request) ends the process anyway. */
const STOP_GRACE_MS = 10_000;

/**
 * The entry point of a process: start the service, stop it cleanly on SIGINT
 * or SIGTERM, within STOP_GRACE_MS. A configuration error is one line on
 * stderr and exit code 1.
 */
export function runService(name: string, start: () => Promise<RunningService>): void {
  // Through a promise, so that a configuration error thrown while building the arguments is caught too.
  Promise.resolve().then(start).then(
    (service) => {
      const shutdown = () => {
        setTimeout(() => {
          console.error(`${name}: did not stop within ${STOP_GRACE_MS / 1000} s; exiting`);
          process.exit(1);
        }, STOP_GRACE_MS).unref();
        service.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            console.error(`${name}: error while stopping: ${String(error)}`);
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    },
    (error: unknown) => {
      console.error(error instanceof ConfigError ? `${name}: invalid configuration: ${error.message}` : `${name}: failed to start: ${String(error instanceof Error ? (error.stack ?? error.message) : error)}`);
      process.exit(1);
    },
  );
}
