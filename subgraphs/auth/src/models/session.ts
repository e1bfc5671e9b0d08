import { Schema } from 'mongoose';
import { defineModel, type StoredDocument } from '@chirp/subgraph-kit';

/**
 * One document per signed-in session, named by the `sid` of its tokens: a session is open while its
 * document exists and `expiresAt` (its token's expiry) has not passed. Signing out deletes it. The
 * TTL index only clears expired sessions away; a server may delete them late, so readers compare
 * `expiresAt` themselves.
 */
const sessionSchema = new Schema(
  {
    userId: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'sessions', versionKey: false, timestamps: { createdAt: true, updatedAt: false }, autoIndex: false },
);

sessionSchema.index({ userId: 1 }, { name: 'userId' });
sessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'expiresAt_ttl' });

export const sessionModel = defineModel('Session', sessionSchema);
export type SessionDocument = StoredDocument<typeof sessionSchema>;
