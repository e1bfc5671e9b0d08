import { type Document, Long, ObjectId, isPlainObject } from '../bson';
import type { CommandContext, Handler, Member } from '../context';
import { CommandError } from '../errors';
import { LOGICAL_SESSION_TIMEOUT_MINUTES } from '../sessions';

const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;

/**
 * The handshake answer of the primary of a single-node replica set of mongod 7: the set's name,
 * this member as its only host, its election and its last write, which is what makes the driver
 * turn on retryable writes and allow change streams.
 */
function helloReply(legacy: boolean, ctx: CommandContext): Document {
  const { member } = ctx;
  const { latestTs } = ctx.store.oplog;
  const opTime = { ts: latestTs, t: Long.fromNumber(member.term) };
  const writeDate = new Date(latestTs.t * 1000);
  return {
    topologyVersion: { processId: member.processId, counter: Long.ZERO },
    hosts: [member.name],
    setName: member.setName,
    setVersion: 1,
    [legacy ? 'ismaster' : 'isWritablePrimary']: true,
    secondary: false,
    primary: member.name,
    me: member.name,
    electionId: member.electionId,
    lastWrite: { opTime, lastWriteDate: writeDate, majorityOpTime: opTime, majorityWriteDate: writeDate },
    helloOk: true,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: LOGICAL_SESSION_TIMEOUT_MINUTES,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: 21,
    readOnly: false,
  };
}

/**
 * How long an awaitable hello waits: a monitor that already knows this topology version asks to
 * hear only of a change, or of nothing after maxAwaitTimeMS. The topology never changes here, so
 * it always waits the full time (the driver's heartbeat), unless the connection closes first.
 */
function awaitMs(cmd: Document, member: Member): number | undefined {
  const version = cmd.topologyVersion;
  if (typeof cmd.maxAwaitTimeMS !== 'number' || !isPlainObject(version)) return undefined;
  const same = version.processId instanceof ObjectId && version.processId.equals(member.processId) && Number(version.counter) === 0;
  return same ? cmd.maxAwaitTimeMS : undefined;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (signal.aborted) return done();
    signal.addEventListener('abort', done);
  });
}

function hello(legacy: boolean): Handler {
  return (cmd: Document, ctx: CommandContext) => {
    const wait = awaitMs(cmd, ctx.member);
    if (wait === undefined) return helloReply(legacy, ctx);
    return sleep(wait, ctx.signal).then(() => helloReply(legacy, ctx));
  };
}

/** Whether a request is a monitor's awaitable hello, which may be answered as an exhaust stream. */
export function isAwaitableHello(cmd: Document): boolean {
  const name = Object.keys(cmd)[0];
  const wait = cmd.maxAwaitTimeMS;
  return (name === 'hello' || name === 'isMaster' || name === 'ismaster') && typeof wait === 'number' && wait > 0 && isPlainObject(cmd.topologyVersion);
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
