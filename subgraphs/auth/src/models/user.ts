import { Schema } from 'mongoose';
import { defineModel, type StoredDocument } from '@chirp/subgraph-kit';

const userSchema = new Schema(
  {
    username: { type: String, required: true },
    /** Lower-cased username: uniqueness and look-up ignore case, without collations. */
    usernameKey: { type: String, required: true },
    name: { type: String, required: true },
    /** Absent until the user writes one. */
    bio: { type: String },
    /** Stored lower-cased, so uniqueness ignores case. */
    email: { type: String, required: true },
    passwordHash: { type: String, required: true },
  },
  { collection: 'users', timestamps: { createdAt: true, updatedAt: false }, autoIndex: false },
);

userSchema.index({ usernameKey: 1 }, { unique: true, name: 'usernameKey_unique' });
userSchema.index({ email: 1 }, { unique: true, name: 'email_unique' });

export const userModel = defineModel('User', userSchema);
export type UserDocument = StoredDocument<typeof userSchema>;
