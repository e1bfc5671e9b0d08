import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import mongoose, { type Connection, Schema, Types } from 'mongoose';
import { mongoUri, testDbName } from '@chirp/test-kit';

const userSchema = new Schema({
  email: { type: String, required: true, unique: true },
  name: String,
  logins: { type: Number, default: 0 },
});

const postSchema = new Schema(
  { authorId: { type: Schema.Types.ObjectId, required: true }, text: String },
  { timestamps: true },
);
postSchema.index({ authorId: 1, createdAt: -1, _id: -1 });

describe('mongoose models', () => {
  let conn: Connection;
  const dbName = testDbName();

  beforeAll(async () => {
    conn = await mongoose.createConnection(mongoUri(), { dbName, serverSelectionTimeoutMS: 5000 }).asPromise();
    await conn.dropDatabase();
  });

  afterAll(async () => {
    await conn.dropDatabase();
    await conn.close();
  });

  const User = () => conn.model('User', userSchema);
  const Post = () => conn.model('Post', postSchema);

  it('when models initialise, then autoCreate and autoIndex create the collections and indexes', async () => {
    await User().init();
    await Post().init();
    const userIndexes = await User().listIndexes();
    expect(userIndexes).toEqual(expect.arrayContaining([expect.objectContaining({ key: { email: 1 }, unique: true })]));
    const postIndexes = await Post().listIndexes();
    expect(postIndexes.map((i) => i.key)).toContainEqual({ authorId: 1, createdAt: -1, _id: -1 });
  });

  it('when a duplicate email is created, then mongoose surfaces E11000 with keyValue', async () => {
    await User().create({ email: 'dup@x.y' });
    await expect(User().create({ email: 'dup@x.y' })).rejects.toMatchObject({ code: 11000, keyValue: { email: 'dup@x.y' } });
    expect(await User().countDocuments({ email: 'dup@x.y' })).toBe(1);
  });

  it('when findOneAndUpdate upserts with $inc, then the first call inserts and the second increments', async () => {
    const first = await User().findOneAndUpdate({ email: 'up@x.y' }, { $inc: { logins: 1 } }, { upsert: true, returnDocument: 'after' }).lean();
    expect(first).toMatchObject({ email: 'up@x.y', logins: 1 });
    const second = await User().findOneAndUpdate({ email: 'up@x.y' }, { $inc: { logins: 1 } }, { upsert: true, returnDocument: 'after' }).lean();
    expect(second).toMatchObject({ _id: first?._id, logins: 2 });
  });

  it('when posts are bulk inserted, then find with $in, sort and limit pages them newest first', async () => {
    const authors = [new Types.ObjectId(), new Types.ObjectId(), new Types.ObjectId()];
    const base = Date.UTC(2024, 0, 1);
    await Post().insertMany(
      Array.from({ length: 30 }, (_, i) => ({ authorId: authors[i % 3], text: `p${i}`, createdAt: new Date(base + i * 1000) })),
    );
    const page = await Post().find({ authorId: { $in: [authors[0] as Types.ObjectId, authors[2] as Types.ObjectId] } }).sort({ createdAt: -1, _id: -1 }).limit(4).lean();
    expect(page.map((p) => p.text)).toEqual(['p29', 'p27', 'p26', 'p24']);
  });

  it('when aggregate groups posts per author, then the counts come back', async () => {
    const counts = await Post().aggregate<{ _id: Types.ObjectId; n: number }>([{ $group: { _id: '$authorId', n: { $sum: 1 } } }]);
    expect(counts.map((c) => c.n).sort()).toEqual([10, 10, 10]);
    expect(counts[0]?._id).toBeInstanceOf(Types.ObjectId);
  });

  it('when deleteMany removes matching posts, then the deleted count is reported', async () => {
    const res = await Post().deleteMany({ text: { $in: ['p1', 'p2', 'p3'] } });
    expect(res.deletedCount).toBe(3);
    expect(await Post().countDocuments()).toBe(27);
  });
});
