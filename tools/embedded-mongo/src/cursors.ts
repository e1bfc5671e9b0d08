import { BSON, type Document, Long } from './bson';

/** mongod caps a reply batch at 16 MiB of documents. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 64 * 1024;
const DEFAULT_FIRST_BATCH = 101;
const IDLE_TIMEOUT_MS = 10 * 60 * 1000;

interface OpenCursor {
  ns: string;
  docs: Document[];
  pos: number;
  touched: number;
}

/** The documents already computed for a command, handed out batch by batch through getMore. */
export class Cursors {
  private readonly open = new Map<number, OpenCursor>();
  private nextId = 1;

  /** The `cursor` field of a find/aggregate/listX reply, opening a cursor when documents remain. */
  firstBatch(ns: string, docs: Document[], batchSize: unknown, singleBatch = false): Document {
    const size = typeof batchSize === 'number' ? batchSize : DEFAULT_FIRST_BATCH;
    const batch = takeBatch(docs, 0, size);
    let id = 0;
    if (!singleBatch && batch.length < docs.length) {
      this.sweep();
      id = this.nextId++;
      this.open.set(id, { ns, docs, pos: batch.length, touched: Date.now() });
    }
    return { firstBatch: batch, id: Long.fromNumber(id), ns };
  }

  /** The `cursor` field of a getMore reply, or undefined when the cursor is unknown. */
  nextBatch(id: number, ns: string, batchSize: unknown): Document | undefined {
    const cursor = this.open.get(id);
    if (!cursor || cursor.ns !== ns) return undefined;
    const size = typeof batchSize === 'number' && batchSize > 0 ? batchSize : Infinity;
    const batch = takeBatch(cursor.docs, cursor.pos, size);
    cursor.pos += batch.length;
    cursor.touched = Date.now();
    const done = cursor.pos >= cursor.docs.length;
    if (done) this.open.delete(id);
    return { nextBatch: batch, id: Long.fromNumber(done ? 0 : id), ns };
  }

  kill(id: number): boolean {
    return this.open.delete(id);
  }

  clear(): void {
    this.open.clear();
  }

  private sweep(): void {
    const cutoff = Date.now() - IDLE_TIMEOUT_MS;
    for (const [id, c] of this.open) if (c.touched < cutoff) this.open.delete(id);
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
