import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Connection, mongo } from 'mongoose';
import type { Logger, Metrics } from '@chirp/platform';
import type { ChangeMeta, PublishedStream } from './published-stream';
import { createWorkerLeases, type StreamPosition, type WorkerLeases } from './worker-leases';

/** One published stream a worker follows, and what it does with each batch of its events. */
export interface Subscription<TEvent> {
  stream: PublishedStream<TEvent>;
  /** The owner's database, on the consumer's server. */
  database: string;
  /**
   * Applies events in their order. A batch whose position was not saved (the process died) is applied
   * again on restart, so applying must be idempotent: unique keys, upserts, deletes.
   */
  apply(events: TEvent[]): Promise<void>;
}

/** Erases the event type, so that subscriptions of different streams live in one list. */
export const subscribe = <TEvent>(subscription: Subscription<TEvent>): Subscription<unknown> => subscription as Subscription<unknown>;

/**
 * A consumer of published streams that derives data of its own from them (the posts subgraph's
 * timelines from posts and follows). Its subscriptions are applied one batch at a time, never two at
 * once, so that the effects of one stream never interleave with another's: a fan-out and an unfollow
 * for the same timeline cannot race.
 */
export interface StreamWorkerSpec {
  /** Names the lease and the saved positions. */
  name: string;
  subscriptions: Subscription<unknown>[];
  /**
   * Rebuilds all the worker derives from the owners' data as it is now (their `snapshot` pipelines and
   * the consumer's own collections). Runs when no position was ever saved, when one is older than the
   * change-stream history (code 286), when a stream is invalidated, and when asked for.
   */
  rebuild(): Promise<void>;
}

export interface StreamWorkerOptions {
  /** The consumer's connection: its own database keeps the lease and positions; streams open on its client. */
  connection: Connection;
  logger: Logger;
  metrics: Metrics;
  /** Another instance takes over this long after the holder stops renewing. */
  leaseMs: number;
}

export interface RunningWorker {
  /** Stops reading, lets the lease go (so another instance takes over at once) and resolves when done. */
  stop(): Promise<void>;
}

/** MongoDB's ChangeStreamHistoryLost: the position is older than the oldest change kept. */
const HISTORY_LOST = 286;
/** MongoDB's NoMatchingDocument, which a stream that requires pre-images fails with when one is gone. */
const PRE_IMAGE_LOST = 47;
/** Events applied in one batch at most, and how long an idle getMore waits for more. */
const BATCH_SIZE = 500;
const MAX_AWAIT_MS = 500;

/** How often a waiting instance asks for the lease: a takeover comes within a fraction of the lease after it expires. */
const retryInterval = (leaseMs: number) => Math.max(100, Math.floor(leaseMs / 4));

type RebuildReason = 'first start' | 'requested' | 'history lost' | 'pre-image lost' | 'stream invalidated';

class LeaseLost extends Error {}
class RebuildNeeded extends Error {
  constructor(readonly reason: RebuildReason) {
    super(reason);
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });

/** Identifies one instance in the lease document: which host and process holds it. */
export const workerInstanceId = (): string => `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

/**
 * Runs `spec` whenever this instance holds its lease: at most one instance of a service works a
 * worker at a time, and another takes over within `leaseMs` of the holder's death, from the saved
 * positions. Positions are saved after each applied batch, in the same write that renews the lease.
 */
export async function startStreamWorker(spec: StreamWorkerSpec, options: StreamWorkerOptions): Promise<RunningWorker> {
  const leases = await createWorkerLeases(options.connection);
  const holder = workerInstanceId();
  const log = options.logger.child({ worker: spec.name });
  const stopping = new AbortController();
  const done = runWhileHolding(spec, { ...options, leases, holder, log, stopping: stopping.signal });
  return {
    async stop() {
      stopping.abort();
      await done;
    },
  };
}

/**
 * Rebuilds what `spec` derives, now (`npm run timelines:rebuild`). When no instance holds the lease,
 * this one takes it, rebuilds and lets it go, and the workers carry on from the positions it saved;
 * when one does, it is asked to rebuild (between two batches, so that nothing interleaves) and this
 * waits until it has. Resolves with who did it.
 */
export async function rebuildStreamWorker(spec: StreamWorkerSpec, options: StreamWorkerOptions): Promise<'here' | 'by the running worker'> {
  const leases = await createWorkerLeases(options.connection);
  const holder = workerInstanceId();
  const run: WorkerRun = { ...options, leases, holder, log: options.logger.child({ worker: spec.name }), stopping: new AbortController().signal };
  let asked = false;
  for (;;) {
    if (await leases.acquire(spec.name, holder, options.leaseMs)) {
      try {
        await rebuild(spec, run, 'requested');
      } finally {
        await leases.release(spec.name, holder);
      }
      return 'here';
    }
    if (!asked) {
      await leases.requestRebuild(spec.name);
      asked = true;
    } else if ((await leases.state(spec.name))?.rebuildRequested === false) {
      return 'by the running worker';
    }
    await sleep(retryInterval(options.leaseMs), run.stopping);
  }
}

interface WorkerRun extends StreamWorkerOptions {
  leases: WorkerLeases;
  holder: string;
  log: Logger;
  stopping: AbortSignal;
}

async function runWhileHolding(spec: StreamWorkerSpec, run: WorkerRun): Promise<void> {
  const { leases, holder, log, stopping, leaseMs, metrics } = run;
  const leaseHeld = metrics.streamLeaseHeld.labels({ worker: spec.name });
  leaseHeld.set(0);
  const retryMs = retryInterval(leaseMs);
  while (!stopping.aborted) {
    try {
      const lease = await leases.acquire(spec.name, holder, leaseMs);
      if (!lease) {
        await sleep(retryMs, stopping);
        continue;
      }
      leaseHeld.set(1);
      log.info('holds the lease');
      await workWhileHeld(spec, run, lease.positions, lease.rebuildRequested);
    } catch (error) {
      if (error instanceof LeaseLost) log.warn('lost the lease; another instance works the streams now');
      else log.error({ err: error }, 'stream worker failed; starting again from the saved positions');
      leaseHeld.set(0);
      await sleep(retryMs, stopping);
    }
  }
  leaseHeld.set(0);
  await leases.release(spec.name, holder).catch((error: unknown) => log.warn({ err: error }, 'could not release the lease'));
}

async function workWhileHeld(spec: StreamWorkerSpec, run: WorkerRun, saved: Record<string, StreamPosition>, rebuildRequested: boolean): Promise<void> {
  const unpositioned = spec.subscriptions.some(({ stream }) => !saved[stream.name]);
  let pending: RebuildReason | null = rebuildRequested ? 'requested' : unpositioned ? 'first start' : null;
  let positions = saved;
  while (!run.stopping.aborted) {
    if (pending) positions = await rebuild(spec, run, pending);
    // A stop asked for during the rebuild ends the work here, before any stream opens.
    if (run.stopping.aborted) return;
    try {
      await follow(spec, run, positions);
      return;
    } catch (error) {
      if (error instanceof RebuildNeeded) pending = error.reason;
      else if ((error as { code?: unknown }).code === HISTORY_LOST) pending = 'history lost';
      else if ((error as { code?: unknown }).code === PRE_IMAGE_LOST) pending = 'pre-image lost';
      else throw error;
    }
  }
}

/**
 * Notes where every stream stands now, rebuilds, and saves those positions: what was written during
 * the rebuild is then applied again from the streams, which idempotent effects allow.
 */
async function rebuild(spec: StreamWorkerSpec, run: WorkerRun, reason: RebuildReason): Promise<Record<string, StreamPosition>> {
  const level = reason === 'first start' || reason === 'requested' ? 'info' : 'warn';
  run.log[level]({ reason }, `rebuilding what the worker derives from its streams (${reason})`);
  const started = Date.now();
  const startAt = await clusterTime(run.connection);
  await keepingLease(spec.name, run, () => spec.rebuild());
  const positions = Object.fromEntries(spec.subscriptions.map(({ stream }) => [stream.name, { startAt }]));
  if (!(await run.leases.rebuilt(spec.name, run.holder, positions))) throw new LeaseLost();
  run.metrics.streamRebuilds.inc({ worker: spec.name, reason });
  run.log.info({ reason, durationMs: Date.now() - started }, 'rebuild done');
  return positions;
}

/**
 * Renews the lease while `task` runs, so that a long batch (a fan-out to many timelines) does not let
 * another instance take over meanwhile; a lease found lost meanwhile fails the batch once it ends.
 */
async function keepingLease<T>(worker: string, run: WorkerRun, task: () => Promise<T>): Promise<T> {
  let lost = false;
  const heartbeat = setInterval(() => {
    run.leases.renew(worker, run.holder, run.leaseMs).then(
      (lease) => {
        lost ||= lease === null;
      },
      (error: unknown) => run.log.warn({ err: error }, 'could not renew the lease'),
    );
  }, Math.max(50, Math.floor(run.leaseMs / 3)));
  let result: T;
  try {
    result = await task();
  } finally {
    clearInterval(heartbeat);
  }
  if (lost) throw new LeaseLost();
  return result;
}

/** The server's cluster time now: a change stream started at it sees every later write. */
async function clusterTime(connection: Connection): Promise<mongo.Timestamp> {
  const reply = await connection.getClient().db('admin').command({ ping: 1 });
  const time = reply.operationTime as mongo.Timestamp | undefined;
  if (!time) throw new Error('the MongoDB server gave no operationTime: change streams need a replica set');
  return time;
}

/**
 * Follows every subscription until the worker stops, the lease is lost, or a rebuild is needed (thrown).
 * Each stream is read on its own, but batches are applied one at a time across streams.
 */
async function follow(spec: StreamWorkerSpec, run: WorkerRun, positions: Record<string, StreamPosition>): Promise<void> {
  const client = run.connection.getClient();
  const halt = new AbortController();
  const stopOnStop = () => halt.abort();
  run.stopping.addEventListener('abort', stopOnStop, { once: true });
  // A signal aborted before the listener was added never calls it.
  if (run.stopping.aborted) halt.abort();
  const streams = spec.subscriptions.map((subscription) => {
    const { stream } = subscription;
    const at = positions[stream.name];
    const start = at && 'token' in at ? { resumeAfter: at.token } : { startAtOperationTime: at?.startAt };
    const changes = client
      .db(subscription.database)
      .collection(stream.collection)
      .watch(stream.pipeline, { ...stream.options, ...start, maxAwaitTimeMS: MAX_AWAIT_MS, batchSize: BATCH_SIZE });
    return { subscription, changes };
  });
  const closeAll = () => Promise.all(streams.map(({ changes }) => changes.close().catch(() => undefined)));
  halt.signal.addEventListener('abort', () => void closeAll(), { once: true });

  let queue: Promise<unknown> = Promise.resolve();
  /** One batch at a time across every stream. */
  const serially = <T>(task: () => Promise<T>): Promise<T> => {
    const result = queue.then(task);
    queue = result.catch(() => undefined);
    return result;
  };

  const readLoop = async ({ subscription, changes }: (typeof streams)[number]) => {
    const { stream } = subscription;
    const events = run.metrics.streamEvents.labels({ stream: stream.name });
    const lag = run.metrics.streamLag.labels({ stream: stream.name });
    while (!halt.signal.aborted) {
      const first = await changes.tryNext();
      if (halt.signal.aborted) return;
      const batch: mongo.Document[] = first ? [first] : [];
      while (batch.length < BATCH_SIZE && changes.bufferedCount() > 0) batch.push(await changes.next());
      await serially(async () => {
        if (halt.signal.aborted) return;
        if (batch.some((change) => (change as ChangeMeta).operationType === 'invalidate')) throw new RebuildNeeded('stream invalidated');
        if (batch.length > 0) {
          await keepingLease(spec.name, run, () => subscription.apply(batch.map((change) => stream.decode(change))));
          const now = Date.now();
          for (const change of batch) {
            const { wallTime } = change as ChangeMeta;
            if (wallTime) lag.observe(Math.max(0, now - wallTime.getTime()) / 1000);
          }
          events.inc(batch.length);
        }
        const token = changes.resumeToken;
        const lease = await run.leases.renew(spec.name, run.holder, run.leaseMs, token ? { stream: stream.name, at: { token } } : undefined);
        if (!lease) throw new LeaseLost();
        if (lease.rebuildRequested) throw new RebuildNeeded('requested');
      });
    }
  };

  // Every loop has ended before this returns, so that nothing is still applying when a rebuild starts.
  let failure: unknown = null;
  await Promise.all(
    streams.map((entry) =>
      readLoop(entry).catch((error: unknown) => {
        // The first failure is the cause; the others are streams closed because of it.
        failure ??= error;
        halt.abort();
      }),
    ),
  );
  run.stopping.removeEventListener('abort', stopOnStop);
  await closeAll();
  if (failure !== null && !run.stopping.aborted) throw failure;
}
