import type { Connection } from 'mongoose';
import { duplicateKeyFields, isDuplicateKeyError, operator } from '@chirp/subgraph-kit';
import { conflict } from '@chirp/platform';
import { userModel, type UserDocument } from '../models/user';

export interface UserRecord {
  id: string;
  username: string;
  name: string;
  email: string;
  createdAt: Date;
}

export interface NewUser {
  username: string;
  name: string;
  email: string;
  passwordHash: string;
}

const PUBLIC_FIELDS = { username: 1, name: 1, email: 1, createdAt: 1 } as const;

export type UserRepository = Awaited<ReturnType<typeof createUserRepository>>;

export async function createUserRepository(connection: Connection) {
  const User = await userModel(connection);
  const toRecord = (doc: Pick<UserDocument, '_id' | keyof typeof PUBLIC_FIELDS>): UserRecord => {
    const { _id, username, name, email, createdAt } = doc;
    return { id: String(_id), username, name, email, createdAt };
  };

  return {
    /** Relies on the unique indexes, so two racing registrations cannot both win. */
    async create(user: NewUser): Promise<UserRecord> {
      try {
        const doc = await User.create({ ...user, usernameKey: user.username.toLowerCase() });
        return toRecord(doc.toObject());
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        const field = duplicateKeyFields(error).includes('email') ? 'email' : 'username';
        throw conflict(`That ${field} is already taken`, field);
      }
    },

    async findByIds(ids: readonly string[]): Promise<UserRecord[]> {
      const docs = await User.find({ _id: operator({ $in: ids }) }, PUBLIC_FIELDS).lean();
      return docs.map(toRecord);
    },

    async findByUsername(username: string): Promise<UserRecord | null> {
      const doc = await User.findOne({ usernameKey: username.toLowerCase() }, PUBLIC_FIELDS).lean();
      return doc ? toRecord(doc) : null;
    },

    /** For login only: the one read that includes the password hash. */
    async findCredentials(login: { username: string } | { email: string }) {
      const filter = 'email' in login ? { email: login.email.toLowerCase() } : { usernameKey: login.username.toLowerCase() };
      const doc = await User.findOne(filter, { ...PUBLIC_FIELDS, passwordHash: 1 }).lean();
      return doc ? { user: toRecord(doc), passwordHash: doc.passwordHash } : null;
    },
  };
}
