import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Collection, type Document, type MongoClient, ObjectId } from 'mongodb';
import { mulberry32, testDbName } from '@chirp/test-kit';
import { connect } from './conformance-helpers';

/**
 * The home feed's query shape on an `{ authorId: 1, createdAt: -1, _id: -1 }` index: `$in` (or
 * equality) on authorId, sorted by (createdAt, _id) either way, an optional (createdAt, _id)
 * cursor, skip and limit. The embedded server reads these in index order and stops early, so
 * every answer is checked against the same query worked out here from a copy of the data, with
 * mongod's documented order (null and missing first, then Date; ObjectIds by their bytes; an
 * array sorts by its smallest element ascending, its largest descending).
 */
describe('finds sorted in index order', () => {
  let client: MongoClient;
  let posts: Collection<Document>;
  const dbName = testDbName();
  const random = mulberry32(20261128);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(xs: T[]): T => xs[int(xs.length)] as T;
  const oid = () => new ObjectId(Array.from({ length: 24 }, () => int(16).toString(16)).join(''));

  type Post = { _id: ObjectId; authorId: ObjectId | ObjectId[]; createdAt?: Date | Date[] | null; n: number };
  const copy = new Map<string, Post>();
  const base = Date.UTC(2026, 0, 1);
  // 40 distinct times over 1,500 posts: most posts share their createdAt with others, so _id decides.
  const time = () => new Date(base + int(40) * 60_000);
  const authors = Array.from({ length: 40 }, oid);
  // Posts per author: a few prolific, most with a handful, the last ten with none.
  const weight = (i: number) => (i < 4 ? 30 : i < 30 ? 2 : 0);
  const weighted = authors.flatMap((a, i) => Array.from({ length: weight(i) }, () => a));

  // The driver would send an undefined createdAt as null; a missing one must stay missing.
  const fields = ({ createdAt, ...rest }: Post): Document => (createdAt === undefined ? rest : { ...rest, createdAt });
  const ids = (docs: Document[]) => docs.map((d) => (d._id as ObjectId).toHexString());

  beforeAll(async () => {
    client = await connect();
    await client.db(dbName).dropDatabase();
    posts = client.db(dbName).collection('posts');
    await posts.createIndex({ authorId: 1, createdAt: -1, _id: -1 }, { name: 'author_newest' });
  });

  afterAll(async () => {
    await client.db(dbName).dropDatabase();
    await client.close();
  });

  const values = <T>(v: T | T[] | null | undefined): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

  /** mongod's sort key for createdAt: null or missing lowest; an array by its extreme element in the sort's direction. */
  function timeKey(p: Post, dir: number): number {
    const ts = values(p.createdAt).map((d) => d.getTime());
    if (ts.length === 0) return -Infinity;
    return dir < 0 ? Math.max(...ts) : Math.min(...ts);
  }

  interface Cursor {
    at: Date;
    id: ObjectId;
  }

  function expected(inAuthors: ObjectId[], dir: number, cursor: Cursor | undefined, skip: number, limit: number): string[] {
    const wanted = new Set(inAuthors.map((a) => a.toHexString()));
    const beyond = (a: number, b: number) => (dir < 0 ? a < b : a > b);
    const after = (p: Post) => {
      if (!cursor) return true;
      const ts = values(p.createdAt).map((d) => d.getTime());
      const at = cursor.at.getTime();
      return ts.some((t) => beyond(t, at)) || (ts.includes(at) && beyond(Buffer.compare(p._id.id, cursor.id.id), 0));
    };
    return [...copy.values()]
      .filter((p) => values(p.authorId).some((a) => wanted.has(a.toHexString())) && after(p))
      .sort((a, b) => dir * (timeKey(a, dir) - timeKey(b, dir) || Buffer.compare(a._id.id, b._id.id)))
      .slice(skip, skip + limit)
      .map((p) => p._id.toHexString());
  }

  /** Many random feed queries, each compared with the expected page. */
  async function checkQueries(count: number): Promise<void> {
    const known = [...copy.values()];
    for (let q = 0; q < count; q++) {
      const some = Array.from({ length: 1 + int(12) }, () => pick(authors));
      if (int(4) === 0) some.push(oid()); // an author who never posted
      const dir = int(3) === 0 ? 1 : -1;
      const from = int(3) === 0 ? undefined : pick(known);
      const cursor: Cursor | undefined = from && { at: values(from.createdAt)[0] ?? time(), id: int(4) === 0 ? oid() : from._id };
      const skip = int(3) === 0 ? int(8) : 0;
      const limit = 1 + int(25);
      const lead = some.length === 1 && int(2) === 0 ? some[0] : { $in: some };
      const op = dir < 0 ? '$lt' : '$gt';
      const filter: Document = cursor
        ? { authorId: lead, $or: [{ createdAt: { [op]: cursor.at } }, { createdAt: cursor.at, _id: { [op]: cursor.id } }] }
        : { authorId: lead };
      const docs = await posts.find(filter).sort({ createdAt: dir, _id: dir }).skip(skip).limit(limit).toArray();
      const context = { filter, dir, skip, limit };
      expect({ ...context, ids: ids(docs) }).toEqual({ ...context, ids: expected(some, dir, cursor, skip, limit) });
    }
  }

  async function insert(n: number, make: () => Partial<Post> = () => ({})): Promise<void> {
    const batch = Array.from({ length: n }, () => ({ _id: oid(), authorId: pick(weighted), createdAt: time(), n: 0, ...make() }) as Post);
    for (const p of batch) copy.set(p._id.toHexString(), p);
    await posts.insertMany(batch.map(fields));
  }

  it('when posts are inserted, updated and deleted, then every page is the one the sort defines', async () => {
    await insert(1500);
    await checkQueries(150);

    // Updates that move posts in time or to another author, that leave the index alone, then deletes.
    for (const p of [...copy.values()].filter(() => int(6) === 0)) {
      const change = int(3);
      if (change === 0) p.createdAt = time();
      if (change === 1) p.authorId = pick(weighted);
      if (change === 2) p.n += 1;
      const set = change === 0 ? { createdAt: p.createdAt } : change === 1 ? { authorId: p.authorId } : undefined;
      await posts.updateOne({ _id: p._id }, set ? { $set: set } : { $inc: { n: 1 } });
    }
    for (const p of [...copy.values()].filter(() => int(8) === 0)) {
      copy.delete(p._id.toHexString());
      await posts.deleteOne({ _id: p._id });
    }
    const gone = authors[5] as ObjectId;
    for (const p of copy.values()) if (p.authorId === gone) copy.delete(p._id.toHexString());
    await posts.deleteMany({ authorId: gone });
    await insert(200);
    expect(await posts.countDocuments()).toBe(copy.size);
    await checkQueries(150);
  });

  it('when createdAt is missing, null or an array, or a post has several authors, then they sort as mongod sorts them', async () => {
    await insert(20, () => ({ createdAt: undefined }));
    await insert(20, () => ({ createdAt: null }));
    await insert(30, () => ({ createdAt: [time(), time()] }));
    await insert(30, () => ({ authorId: [pick(weighted), pick(weighted)] }));
    // One that leaves the array behind: a post back to one author and one date.
    const p = [...copy.values()].find((x) => Array.isArray(x.authorId)) as Post;
    p.authorId = pick(weighted);
    p.createdAt = time();
    await posts.updateOne({ _id: p._id }, { $set: { authorId: p.authorId, createdAt: p.createdAt } });
    await checkQueries(150);
  });
});
