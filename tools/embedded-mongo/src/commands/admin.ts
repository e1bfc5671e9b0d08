import { type Document } from '../bson';
import type { CommandContext, Handler } from '../context';
import { CommandError } from '../errors';

const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;

/**
 * The handshake answer of a standalone mongod 7. `topologyVersion` is left out on
 * purpose: with it the driver switches to streaming (awaitable) hello, which a
 * server that never changes topology has no use for.
 */
function hello(legacy: boolean): Handler {
  return (_cmd: Document, ctx: CommandContext) => ({
    helloOk: true,
    [legacy ? 'ismaster' : 'isWritablePrimary']: true,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: 21,
    readOnly: false,
  });
}

const buildInfo: Handler = () => ({
  version: '7.0.0',
  gitVersion: 'embedded',
  versionArray: [7, 0, 0, 0],
  bits: 64,
  debug: false,
  maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
  storageEngines: ['embedded'],
  modules: [],
});

const ok: Handler = () => ({});

const authenticationFailed: Handler = () => {
  throw new CommandError(18, 'AuthenticationFailed', 'Authentication failed.');
};

export const adminCommands: Record<string, Handler> = {
  hello: hello(false),
  isMaster: hello(true),
  ismaster: hello(true),
  ping: ok,
  buildInfo,
  buildinfo: buildInfo,
  endSessions: ok,
  killSessions: ok,
  refreshSessions: ok,
  whatsmyuri: () => ({ you: '127.0.0.1' }),
  getParameter: (cmd) => (cmd.featureCompatibilityVersion ? { featureCompatibilityVersion: { version: '7.0' } } : {}),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] } }),
  saslStart: authenticationFailed,
  authenticate: authenticationFailed,
};
