import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Schema, type Connection } from 'mongoose';
import { connectDatabase, defineModel, type StoredDocument } from '@chirp/subgraph-kit';
import { mongoUri, testDbName } from '@chirp/test-kit';

const noteSchema = new Schema(
  { key: { type: String, required: true }, text: { type: String, required: true } },
  { collection: 'notes', timestamps: { createdAt: true, updatedAt: false }, autoIndex: false },
);
noteSchema.index({ key: 1 }, { unique: true, name: 'key_unique' });
const noteModel = defineModel('Note', noteSchema);

let connection: Connection;
beforeAll(async () => {
  connection = await connectDatabase(mongoUri(), testDbName());
});
afterAll(async () => {
  await connection.dropDatabase();
  await connection.close();
});

test('when a model factory resolves, then the schema indexes already exist, so a unique key holds from the first write', async () => {
  const Note = await noteModel(connection);
  const indexes = await connection.collection('notes').indexes();
  expect(indexes.map((index) => [index.name, index.unique ?? false])).toContainEqual(['key_unique', true]);
  await Note.create({ key: 'a', text: 'first' });
  await expect(Note.create({ key: 'a', text: 'second' })).rejects.toMatchObject({ code: 11000 });
});

test('when a document is read lean, then it has the stored document type: fields, _id and the timestamps the schema keeps', async () => {
  const Note = await noteModel(connection);
  await Note.create({ key: 'b', text: 'typed' });
  const stored: StoredDocument<typeof noteSchema> | null = await Note.findOne({ key: 'b' }).lean();
  expect(stored).toMatchObject({ key: 'b', text: 'typed', createdAt: expect.any(Date) });
  expect(Object.keys(stored ?? {})).not.toContain('updatedAt');
});
