import { BSON, type Document } from './bson';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_MSG = 2013;

export const MAX_MESSAGE_BYTES = 48_000_000;
const HEADER_BYTES = 16;
const CHECKSUM_PRESENT = 1 << 0;
const MORE_TO_COME = 1 << 1;
const EXHAUST_ALLOWED = 1 << 16;
/** Bits 0-15 of OP_MSG flags are required: a reader must reject any it does not know. */
const KNOWN_REQUIRED_FLAGS = CHECKSUM_PRESENT | MORE_TO_COME;

/** A protocol violation: the connection it came from is closed. */
export class MalformedMessage extends Error {}

export interface Request {
  requestId: number;
  opCode: number;
  command: Document;
  /** The database named by `$db` (OP_MSG) or by the `<db>.$cmd` namespace (OP_QUERY). */
  db: string;
  /** The client expects no reply (OP_MSG moreToCome, e.g. w:0 writes). */
  noReply: boolean;
  /** The client accepts a stream of replies to this one request (OP_MSG exhaustAllowed). */
  exhaustAllowed: boolean;
}

/** Splits a TCP byte stream into whole messages, joining chunks only once a message is complete. */
export class Framer {
  private chunks: Buffer[] = [];
  private length = 0;
  private expected = 0;

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.length += chunk.length;
    const frames: Buffer[] = [];
    while (this.length >= 4) {
      if (this.expected === 0) {
        const head = this.chunks[0] as Buffer;
        const size = head.length >= 4 ? head.readInt32LE(0) : Buffer.concat(this.chunks, 4).readInt32LE(0);
        if (size < HEADER_BYTES || size > MAX_MESSAGE_BYTES) throw new MalformedMessage(`invalid message length ${size}`);
        this.expected = size;
      }
      if (this.length < this.expected) break;
      const buf = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.length);
      frames.push(buf.subarray(0, this.expected));
      const rest = buf.subarray(this.expected);
      this.chunks = rest.length ? [rest] : [];
      this.length = rest.length;
      this.expected = 0;
    }
    return frames;
  }
}

function readDocument(buf: Buffer, at: number, end: number): { doc: Document; next: number } {
  if (at + 5 > end) throw new MalformedMessage('truncated document');
  const size = buf.readInt32LE(at);
  if (size < 5 || at + size > end) throw new MalformedMessage('invalid document length');
  try {
    return { doc: BSON.deserialize(buf.subarray(at, at + size)), next: at + size };
  } catch (err) {
    throw new MalformedMessage(`invalid BSON: ${(err as Error).message}`);
  }
}

function readCString(buf: Buffer, at: number, end: number): { value: string; next: number } {
  const zero = buf.indexOf(0, at);
  if (zero < 0 || zero >= end) throw new MalformedMessage('unterminated string');
  return { value: buf.toString('utf8', at, zero), next: zero + 1 };
}

export function parseMessage(frame: Buffer): Request {
  const requestId = frame.readInt32LE(4);
  const opCode = frame.readInt32LE(12);
  if (opCode === OP_MSG) return parseOpMsg(frame, requestId);
  if (opCode === OP_QUERY) return parseOpQuery(frame, requestId);
  throw new MalformedMessage(`unsupported opCode ${opCode}`);
}

function parseOpMsg(frame: Buffer, requestId: number): Request {
  if (frame.length < HEADER_BYTES + 5) throw new MalformedMessage('truncated OP_MSG');
  const flags = frame.readUInt32LE(HEADER_BYTES);
  if (flags & 0xffff & ~KNOWN_REQUIRED_FLAGS) throw new MalformedMessage(`unknown required OP_MSG flags ${flags}`);
  const end = flags & CHECKSUM_PRESENT ? frame.length - 4 : frame.length;
  let at = HEADER_BYTES + 4;
  let body: Document | undefined;
  const sequences: [string, Document[]][] = [];
  while (at < end) {
    const kind = frame[at++];
    if (kind === 0) {
      if (body) throw new MalformedMessage('OP_MSG with two body sections');
      ({ doc: body, next: at } = readDocument(frame, at, end));
    } else if (kind === 1) {
      if (at + 4 > end) throw new MalformedMessage('truncated document sequence');
      const seqEnd = at + frame.readInt32LE(at);
      if (seqEnd > end || seqEnd < at + 5) throw new MalformedMessage('invalid document sequence length');
      const id = readCString(frame, at + 4, seqEnd);
      const docs: Document[] = [];
      for (let p = id.next; p < seqEnd; ) {
        const r = readDocument(frame, p, seqEnd);
        docs.push(r.doc);
        p = r.next;
      }
      sequences.push([id.value, docs]);
      at = seqEnd;
    } else {
      throw new MalformedMessage(`unknown OP_MSG section kind ${String(kind)}`);
    }
  }
  if (!body) throw new MalformedMessage('OP_MSG without a body');
  for (const [id, docs] of sequences) body[id] = docs;
  const db = typeof body.$db === 'string' ? body.$db : 'test';
  return {
    requestId,
    opCode: OP_MSG,
    command: body,
    db,
    noReply: (flags & MORE_TO_COME) !== 0,
    exhaustAllowed: (flags & EXHAUST_ALLOWED) !== 0,
  };
}

function parseOpQuery(frame: Buffer, requestId: number): Request {
  const ns = readCString(frame, HEADER_BYTES + 4, frame.length);
  const { doc } = readDocument(frame, ns.next + 8, frame.length);
  // Drivers wrap legacy commands as { $query: {...}, $readPreference } when they carry read preferences.
  const command = doc.$query !== undefined && typeof doc.$query === 'object' ? (doc.$query as Document) : doc;
  const dot = ns.value.indexOf('.');
  if (dot < 0 || !ns.value.endsWith('.$cmd')) throw new MalformedMessage('legacy OP_QUERY is only accepted for commands');
  return { requestId, opCode: OP_QUERY, command, db: ns.value.slice(0, dot), noReply: false, exhaustAllowed: false };
}

let nextRequestId = 1;

function header(size: number, requestId: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  h.writeInt32LE(size, 0);
  h.writeInt32LE(requestId, 4);
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

export interface EncodedReply {
  bytes: Buffer;
  /** This reply's own id: the next reply of an exhaust stream answers to it. */
  requestId: number;
}

/**
 * A reply to `request`. With `moreToCome`, the client keeps reading replies without asking again
 * (the exhaust protocol); each one answers to the id of the reply before it.
 */
export function encodeReply(request: Request, reply: Document, opts: { moreToCome?: boolean; responseTo?: number } = {}): EncodedReply {
  const doc = BSON.serialize(reply);
  const requestId = nextRequestId++ & 0x7fffffff;
  const responseTo = opts.responseTo ?? request.requestId;
  if (request.opCode === OP_QUERY) {
    // OP_REPLY: responseFlags, cursorID, startingFrom, numberReturned, then the documents.
    const body = Buffer.alloc(20);
    body.writeInt32LE(1, 16);
    return { bytes: Buffer.concat([header(HEADER_BYTES + 20 + doc.length, requestId, responseTo, OP_REPLY), body, doc]), requestId };
  }
  const body = Buffer.alloc(5);
  if (opts.moreToCome) body.writeUInt32LE(MORE_TO_COME, 0);
  return { bytes: Buffer.concat([header(HEADER_BYTES + 5 + doc.length, requestId, responseTo, OP_MSG), body, doc]), requestId };
}
