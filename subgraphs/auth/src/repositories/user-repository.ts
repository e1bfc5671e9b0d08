import type { Connection } from 'mongoose';
import { duplicateKeyFields, isDuplicateKeyError, operator } from '@chirp/subgraph-kit';
import { conflict } from '@chirp/platform';
import { userModel, type UserDocument } from '../models/user';

export interface UserRecord {
  id: string;
  username: string;
  name: string;
  bio: string | null;
  email: string;
  createdAt: Date;
}

/** What the owner of a profile may change; a field left out stays as it is, a null bio removes it. */
export interface ProfileChange {
  name?: string;
  bio?: string | null;
}

export interface NewUser {
  username: string;
  name: string;
  email: string;
  passwordHash: string;
}

const PUBLIC_FIELDS = { username: 1, name: 1, bio: 1, email: 1, createdAt: 1 } as const;

export type UserRepository = Awaited<ReturnType<typeof createUserRepository>>;

export async function createUserRepository(connection: Connection) {
  const User = await userModel(connection);
  const toRecord = (doc: Pick<UserDocument, '_id' | keyof typeof PUBLIC_FIELDS>): UserRecord => {
    const { _id, username, name, bio, email, createdAt } = doc;
    return { id: String(_id), username, name, bio: bio ?? null, email, createdAt };
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

    /** For checking a password only (login, a password change, a deletion): the one read that includes its hash. */
    async findCredentials(who: { username: string } | { email: string } | { id: string }) {
      const filter =
        'id' in who ? { _id: who.id } : 'email' in who ? { email: who.email.toLowerCase() } : { usernameKey: who.username.toLowerCase() };
      const doc = await User.findOne(filter, { ...PUBLIC_FIELDS, passwordHash: 1 }).lean();
      return doc ? { user: toRecord(doc), passwordHash: doc.passwordHash } : null;
    },

    /** The changed profile; null when the account is gone. */
    async updateProfile(id: string, change: ProfileChange): Promise<UserRecord | null> {
      const { bio, ...set } = change;
      const update = bio === null ? { $set: set, $unset: { bio: 1 } } : { $set: { ...set, ...(bio === undefined ? {} : { bio }) } };
      const doc = await User.findOneAndUpdate({ _id: id }, update, { returnDocument: 'after', projection: PUBLIC_FIELDS }).lean();
      return doc ? toRecord(doc) : null;
    },

    /** Only if the hash is still the one the caller checked the password against: two racing changes cannot both win. */
    async replacePasswordHash(id: string, checkedHash: string, passwordHash: string): Promise<boolean> {
      const result = await User.updateOne({ _id: id, passwordHash: checkedHash }, { $set: { passwordHash } });
      return result.modifiedCount === 1;
    },

    /** Deletes the account: its username and e-mail are free at once, and auth's account stream tells the other services. */
    async delete(id: string): Promise<void> {
      await User.deleteOne({ _id: id });
    },
  };
}
