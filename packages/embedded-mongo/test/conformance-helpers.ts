import net from 'node:net';
import {
  BSON,
  type ChangeStream,
  type ChangeStreamDocument,
  type ChangeStreamOptions,
  type Collection,
  type Db,
  type Document,
  MongoClient,
  type MongoClientOptions,
  Timestamp,
} from 'mongodb';
import { mongoUri } from '@chirp/test-kit';

/** A driver client on the server under test (embedded unless MONGODB_URI names a real one). */
export function connect(options: MongoClientOptions = {}): Promise<MongoClient> {
  return MongoClient.connect(mongoUri(), { serverSelectionTimeoutMS: 5000, ...options });
}

/**
 * A change stream that sees exactly the writes made after this call: it starts just past the
 * server's current cluster time, so no write made later can slip in before the stream opens, and
 * none made earlier shows up.
 */
export async function watchFromNow(
  client: MongoClient,
  target: Collection<Document> | Db | MongoClient,
  pipeline: Document[] = [],
  options: ChangeStreamOptions = {},
): Promise<ChangeStream<Document, ChangeStreamDocument<Document>>> {
  const { operationTime } = (await client.db('admin').command({ ping: 1 })) as { operationTime: Timestamp };
  const startAtOperationTime = new Timestamp({ t: operationTime.t, i: operationTime.i + 1 });
  return (target as Collection<Document>).watch(pipeline, { startAtOperationTime, ...options });
}

/** The next `n` events of a stream. */
export async function take<T extends Document>(stream: ChangeStream<Document, T>, n: number): Promise<T[]> {
  const events: T[] = [];
  while (events.length < n) events.push(await stream.next());
  return events;
}

/** host and port of a mongodb:// URI. */
export function hostPort(uri: string): { host: string; port: number } {
  const m = /^mongodb:\/\/(?:[^@/]*@)?([^:/,]+)(?::(\d+))?/.exec(uri);
  if (!m) throw new Error(`cannot parse ${uri}`);
  return { host: m[1] as string, port: Number(m[2] ?? 27017) };
}

const CRC32C_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32c(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = (CRC32C_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function header(length: number, requestId: number, opCode: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(requestId, 4);
  h.writeInt32LE(0, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

export interface OpMsgOptions {
  sequences?: Record<string, Document[]>;
  checksum?: boolean;
  moreToCome?: boolean;
}

/** Encodes an OP_MSG by hand, to exercise wire features the driver does not choose on its own. */
export function opMsg(requestId: number, body: Document, opts: OpMsgOptions = {}): Buffer {
  const sections: Buffer[] = [Buffer.from([0]), Buffer.from(BSON.serialize(body))];
  for (const [id, docs] of Object.entries(opts.sequences ?? {})) {
    const payload = Buffer.concat([Buffer.from(`${id}\0`), ...docs.map((d) => Buffer.from(BSON.serialize(d)))]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(payload.length + 4);
    sections.push(Buffer.from([1]), size, payload);
  }
  const flags = Buffer.alloc(4);
  flags.writeUInt32LE((opts.checksum ? 1 : 0) | (opts.moreToCome ? 2 : 0));
  const rest = Buffer.concat([flags, ...sections]);
  const length = 16 + rest.length + (opts.checksum ? 4 : 0);
  const msg = Buffer.concat([header(length, requestId, 2013), rest]);
  if (!opts.checksum) return msg;
  const sum = Buffer.alloc(4);
  sum.writeUInt32LE(crc32c(msg));
  return Buffer.concat([msg, sum]);
}

/** Encodes a legacy OP_QUERY command, as drivers send their first handshake. */
export function opQuery(requestId: number, ns: string, query: Document): Buffer {
  const rest = Buffer.concat([
    Buffer.alloc(4),
    Buffer.from(`${ns}\0`),
    Buffer.from([0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]),
    Buffer.from(BSON.serialize(query)),
  ]);
  return Buffer.concat([header(16 + rest.length, requestId, 2004), rest]);
}

export interface RawReply {
  opCode: number;
  responseTo: number;
  doc: Document;
}

/** A bare TCP connection that reads whole replies (OP_MSG or OP_REPLY). */
export class RawClient {
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static open(uri: string): Promise<RawClient> {
    const { host, port } = hostPort(uri);
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private wait(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** The next reply, or undefined when none arrives within `timeoutMs` or the server closes. */
  async read(timeoutMs = 2000): Promise<RawReply | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.buf.length >= 4 && this.buf.length >= this.buf.readInt32LE(0)) {
        const frame = this.buf.subarray(0, this.buf.readInt32LE(0));
        this.buf = this.buf.subarray(frame.length);
        const opCode = frame.readInt32LE(12);
        const docAt = opCode === 1 ? 36 : 21;
        const doc = BSON.deserialize(frame.subarray(docAt, docAt + frame.readInt32LE(docAt)));
        return { opCode, responseTo: frame.readInt32LE(8), doc };
      }
      const left = deadline - Date.now();
      if (this.closed || left <= 0 || !(await this.wait(left))) return undefined;
    }
  }

  send(buf: Buffer): void {
    this.socket.write(buf);
  }

  close(): void {
    this.socket.destroy();
  }
}
