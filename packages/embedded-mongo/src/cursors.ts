import { BSON, type Document, Long } from './bson';
import type { ChangeStream } from './change-streams';

/** mongod caps a reply batch at 16 MiB of documents. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 64 * 1024;
const DEFAULT_FIRST_BATCH = 101;
const IDLE_TIMEOUT_MS = 10 * 60 * 1000;

/** The documents already computed for a command, handed out batch by batch through getMore. */
interface DocsCursor {
  kind: 'docs';
  ns: string;
  docs: Document[];
  pos: number;
  touched: number;
}

/** A change stream: each getMore reads on from its position, waiting for writes when there are none. */
export interface StreamCursor {
  kind: 'stream';
  ns: string;
  stream: ChangeStream;
  touched: number;
  /** Set while a getMore waits; aborting it ends the wait. */
  waiting?: AbortController;
}

export class Cursors {
  private readonly open = new Map<number, DocsCursor | StreamCursor>();
  private nextId = 1;

  /** The `cursor` field of a find/aggregate/listX reply, opening a cursor when documents remain. */
  firstBatch(ns: string, docs: Document[], batchSize: unknown, singleBatch = false): Document {
    const size = typeof batchSize === 'number' ? batchSize : DEFAULT_FIRST_BATCH;
    const batch = takeBatch(docs, 0, size);
    let id = 0;
    if (!singleBatch && batch.length < docs.length) {
      id = this.add({ kind: 'docs', ns, docs, pos: batch.length, touched: Date.now() });
    }
    return { firstBatch: batch, id: Long.fromNumber(id), ns };
  }

  /** The `cursor` field of a getMore reply, or undefined when no such document cursor is open. */
  nextBatch(id: number, ns: string, batchSize: unknown): Document | undefined {
    const cursor = this.open.get(id);
    if (cursor?.kind !== 'docs' || cursor.ns !== ns) return undefined;
    const size = typeof batchSize === 'number' && batchSize > 0 ? batchSize : Infinity;
    const batch = takeBatch(cursor.docs, cursor.pos, size);
    cursor.pos += batch.length;
    cursor.touched = Date.now();
    const done = cursor.pos >= cursor.docs.length;
    if (done) this.open.delete(id);
    return { nextBatch: batch, id: Long.fromNumber(done ? 0 : id), ns };
  }

  openStream(ns: string, stream: ChangeStream): number {
    return this.add({ kind: 'stream', ns, stream, touched: Date.now() });
  }

  stream(id: number, ns: string): StreamCursor | undefined {
    const cursor = this.open.get(id);
    if (cursor?.kind !== 'stream' || cursor.ns !== ns) return undefined;
    cursor.touched = Date.now();
    return cursor;
  }

  has(id: number): boolean {
    return this.open.has(id);
  }

  kill(id: number): boolean {
    const cursor = this.open.get(id);
    if (cursor?.kind === 'stream') cursor.waiting?.abort();
    return this.open.delete(id);
  }

  clear(): void {
    for (const id of [...this.open.keys()]) this.kill(id);
  }

  private add(cursor: DocsCursor | StreamCursor): number {
    const cutoff = Date.now() - IDLE_TIMEOUT_MS;
    for (const [id, c] of this.open) if (c.touched < cutoff && !(c.kind === 'stream' && c.waiting)) this.open.delete(id);
    const id = this.nextId++;
    this.open.set(id, cursor);
    return id;
  }
}

function takeBatch(docs: Document[], from: number, size: number): Document[] {
  const batch: Document[] = [];
  let bytes = 0;
  for (let i = from; i < docs.length && batch.length < size; i++) {
    const doc = docs[i] as Document;
    bytes += BSON.calculateObjectSize(doc);
    if (batch.length > 0 && bytes > MAX_BATCH_BYTES) break;
    batch.push(doc);
  }
  return batch;
}
