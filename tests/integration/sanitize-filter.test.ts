import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Connection } from 'mongoose';
import { connectDatabase, operator } from '@chirp/subgraph-kit';
import { userModel } from '@chirp/auth-subgraph/models/user';
import { mongoUri, testDbName } from '@chirp/test-kit';

let connection: Connection;
beforeAll(async () => {
  connection = await connectDatabase(mongoUri(), testDbName());
  const User = await userModel(connection);
  await User.create({ username: 'victim', usernameKey: 'victim', name: 'V', email: 'v@example.com', passwordHash: 'x' });
});
afterAll(async () => {
  await connection.dropDatabase();
  await connection.close();
});

test('when an operator object reaches a filter as a value, then it is taken as a literal and refused, never run', async () => {
  const User = connection.model('User');
  // Unsanitized, each of these would match the victim.
  for (const injected of [{ $gt: '' }, { $ne: null }, { $regex: '.*' }]) {
    await expect(User.findOne({ usernameKey: injected }).lean()).rejects.toMatchObject({ name: 'CastError' });
  }
});

test('when our own code marks an operator as trusted, then it runs', async () => {
  const User = connection.model('User');
  expect(await User.findOne({ usernameKey: operator({ $gt: '' }) }).lean()).toMatchObject({ username: 'victim' });
});
