import type { Connection, mongo } from 'mongoose';

/**
 * A change stream as its owner publishes it, from the owner's package (its
 * `events.ts`): the collection, the pipeline that turns the collection's
 * change events into the public event shape, and that shape. A consumer opens
 * the stream read-only through this pipeline and reads nothing else of the
 * owner's database, so the owner may change its storage as long as it changes
 * the pipeline with it.
 *
 * The pipeline's output keeps the change event's `_id` (the resume token,
 * which MongoDB refuses to let a pipeline change), `operationType` (so that an
 * `invalidate` is recognised) and `wallTime` (when the write happened, for the
 * consumer's lag metric).
 */
export interface PublishedStream<TEvent> {
  /** Names the stream in positions, logs and metrics: "<owner>.<what>". */
  name: string;
  collection: string;
  /** What the pipeline needs of `$changeStream` (the pre-image of a deleted document, say). */
  options: Pick<mongo.ChangeStreamOptions, 'fullDocumentBeforeChange'>;
  /** Stages after `$changeStream`: filter and shape. */
  pipeline: mongo.Document[];
  /**
   * An aggregation over the collection that gives its present content as events, for consumers in
   * other services rebuilding what they derive from scratch (a position lost, a first start).
   */
  snapshot?: mongo.Document[];
  /** One output of `pipeline` or `snapshot` as the event. */
  decode(document: mongo.Document): TEvent;
}

/** What the worker reads of every published event, whatever the stream. */
export interface ChangeMeta {
  operationType: string;
  wallTime?: Date;
}

/** A stream's `snapshot`, decoded, in batches: the owner's present data as events. */
export function readSnapshot<TEvent>(
  connection: Connection,
  database: string,
  stream: PublishedStream<TEvent>,
  batchSize = 1000,
): AsyncGenerator<TEvent[]> {
  if (!stream.snapshot) throw new Error(`${stream.name} publishes no snapshot`);
  const cursor = connection.getClient().db(database).collection(stream.collection).aggregate(stream.snapshot, { batchSize });
  return inBatches(cursor, batchSize, stream.decode);
}

/** What `source` yields, each mapped by `map`, `size` at a time: for walks over a whole collection (rebuilds, snapshots). */
export async function* inBatches<TItem, TValue>(source: AsyncIterable<TItem>, size: number, map: (item: TItem) => TValue): AsyncGenerator<TValue[]> {
  let batch: TValue[] = [];
  for await (const item of source) {
    batch.push(map(item));
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
