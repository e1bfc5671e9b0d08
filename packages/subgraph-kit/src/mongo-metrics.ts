import type { Metrics } from '@chirp/platform';
import type { Connection } from 'mongoose';

/** Times MongoDB commands from the driver's command monitoring (the connection has monitorCommands on). */
export function instrumentMongo(connection: Connection, metrics: Metrics): void {
  const client = connection.getClient();
  client.on('commandSucceeded', (event) =>
    metrics.mongoDuration.observe({ command: event.commandName, outcome: 'ok' }, event.duration / 1000),
  );
  client.on('commandFailed', (event) =>
    metrics.mongoDuration.observe({ command: event.commandName, outcome: 'error' }, event.duration / 1000),
  );
}
