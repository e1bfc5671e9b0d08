import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Collection, type Document, type MongoClient } from 'mongodb';
import { testDbName } from '@chirp/test-kit';
import { connect } from './conformance-helpers';

describe('aggregate with a cursor', () => {
  let client: MongoClient;
  let posts: Collection<Document>;
  const dbName = testDbName();

  beforeAll(async () => {
    client = await connect();
    await client.db(dbName).dropDatabase();
    posts = client.db(dbName).collection('posts');
    await client.db(dbName).collection('authors').insertMany([
      { _id: 'a', name: 'Ann' },
      { _id: 'b', name: 'Bob' },
    ] as Document[]);
    await posts.insertMany([
      { _id: 1, author: 'a', likes: 5, tags: ['x', 'y'] },
      { _id: 2, author: 'a', likes: 1, tags: ['y'] },
      { _id: 3, author: 'b', likes: 7, tags: [] },
      { _id: 4, author: 'b', likes: 2, tags: ['x'] },
      { _id: 5, author: 'c', likes: 0, tags: ['z'] },
    ] as Document[]);
  });

  afterAll(async () => {
    await client.db(dbName).dropDatabase();
    await client.close();
  });

  it('when $match, $sort, $skip, $limit and $project run, then the page is shaped as in mongod', async () => {
    const out = await posts
      .aggregate([{ $match: { likes: { $gte: 1 } } }, { $sort: { likes: -1 } }, { $skip: 1 }, { $limit: 2 }, { $project: { likes: 1 } }])
      .toArray();
    expect(out).toEqual([{ _id: 1, likes: 5 }, { _id: 4, likes: 2 }]);
  });

  it('when $project includes fields in another order than stored, then they come out in the stored order, computed fields last', async () => {
    const out = await posts.aggregate([{ $match: { _id: 1 } }, { $project: { tags: 1, n: '$likes', author: 1 } }]).toArray();
    expect(out).toEqual([{ _id: 1, author: 'a', tags: ['x', 'y'], n: 5 }]);
    expect(out.map((d) => Object.keys(d))).toEqual([['_id', 'author', 'tags', 'n']]);
  });

  it('when $group counts and sums per key, then one document per key comes back', async () => {
    const out = await posts
      .aggregate([{ $group: { _id: '$author', count: { $sum: 1 }, likes: { $sum: '$likes' } } }, { $sort: { _id: 1 } }])
      .toArray();
    expect(out).toEqual([
      { _id: 'a', count: 2, likes: 6 },
      { _id: 'b', count: 2, likes: 9 },
      { _id: 'c', count: 1, likes: 0 },
    ]);
  });

  it('when $lookup joins another collection, then matches are embedded', async () => {
    const out = await posts
      .aggregate([
        { $match: { _id: { $in: [1, 5] } } },
        { $lookup: { from: 'authors', localField: 'author', foreignField: '_id', as: 'by' } },
        { $project: { by: '$by.name' } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(out).toEqual([{ _id: 1, by: ['Ann'] }, { _id: 5, by: [] }]);
  });

  it('when $unwind and $count run, then array elements are counted', async () => {
    const out = await posts.aggregate([{ $unwind: '$tags' }, { $count: 'n' }]).toArray();
    expect(out).toEqual([{ n: 5 }]);
  });

  it('when $addFields and $facet run, then each facet gets its own pipeline over the input', async () => {
    const [out] = await posts
      .aggregate([
        { $addFields: { popular: { $gte: ['$likes', 5] } } },
        { $facet: { popular: [{ $match: { popular: true } }, { $count: 'n' }], ids: [{ $sort: { _id: -1 } }, { $limit: 2 }, { $project: { _id: 1 } }] } },
      ])
      .toArray();
    expect(out).toEqual({ popular: [{ n: 2 }], ids: [{ _id: 5 }, { _id: 4 }] });
  });

  it('when an aggregate cursor uses batchSize, then getMore delivers the rest', async () => {
    const out = await posts.aggregate([{ $sort: { _id: 1 } }], { batchSize: 2 }).toArray();
    expect(out.map((d) => d._id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('when a pipeline has an invalid $match, then it fails with code 2 BadValue', async () => {
    await expect(posts.aggregate([{ $match: { likes: { $nope: 1 } } }]).toArray()).rejects.toMatchObject({ code: 2 });
  });
});
