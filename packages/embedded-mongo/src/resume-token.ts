import { Timestamp, isPlainObject } from './bson';
import { failedToParse } from './errors';

/**
 * What a resume token says: a cluster time, whether it marks an event or only how far a stream has
 * read (a high-water mark: every entry up to `ts` seen), whether it is the invalidate that follows
 * the event at `ts`, and the server instance that wrote it.
 */
export interface TokenData {
  ts: Timestamp;
  event: boolean;
  fromInvalidate: boolean;
  instance: Buffer;
}

// Byte 0 is mongod's key-string tag for a Timestamp, so that, as with mongod's tokens, the hex
// strings sort in the order of the events; the cluster time follows big-endian.
const TIMESTAMP_TAG = 0x82;
const EVENT = 0x80;
const HIGH_WATER_MARK = 0x00;
const LENGTH = 1 + 8 + 1 + 1 + 8;

export function encodeToken(data: TokenData): { _data: string } {
  const buf = Buffer.alloc(LENGTH);
  buf[0] = TIMESTAMP_TAG;
  buf.writeUInt32BE(data.ts.t, 1);
  buf.writeUInt32BE(data.ts.i, 5);
  buf[9] = data.event ? EVENT : HIGH_WATER_MARK;
  buf[10] = data.fromInvalidate ? 1 : 0;
  data.instance.copy(buf, 11);
  return { _data: buf.toString('hex').toUpperCase() };
}

export function decodeToken(token: unknown): TokenData {
  const data = isPlainObject(token) ? token._data : undefined;
  if (typeof data !== 'string') throw failedToParse(`resume token must be a document with a string '_data' field, got ${JSON.stringify(token)}`);
  if (!/^[0-9A-Fa-f]*$/.test(data) || data.length % 2 !== 0) throw failedToParse('resume token string was not a valid hex string');
  const buf = Buffer.from(data, 'hex');
  if (buf.length !== LENGTH || buf[0] !== TIMESTAMP_TAG || (buf[9] !== EVENT && buf[9] !== HIGH_WATER_MARK) || (buf[10] as number) > 1) {
    throw failedToParse(`resume token ${data} was not written by this kind of server`);
  }
  return {
    ts: new Timestamp({ t: buf.readUInt32BE(1), i: buf.readUInt32BE(5) }),
    event: buf[9] === EVENT,
    fromInvalidate: buf[10] === 1,
    instance: buf.subarray(11),
  };
}
