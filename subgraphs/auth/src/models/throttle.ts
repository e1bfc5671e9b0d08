import { Schema } from 'mongoose';
import { defineModel, type StoredDocument } from '@chirp/subgraph-kit';

/**
 * One counter per throttled key (`_id`: an address, an account, a login name):
 * the hits its current window has seen, and when that window ends. The TTL
 * index only clears ended windows away; a server may delete them late (the
 * embedded one sweeps once a minute), so readers treat a window whose
 * `expiresAt` has passed as gone whether or not it is still stored.
 */
const throttleSchema = new Schema(
  {
    _id: { type: String, required: true },
    count: { type: Number, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'auth_throttles', versionKey: false, autoIndex: false },
);

throttleSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'expiresAt_ttl' });

export const throttleModel = defineModel('Throttle', throttleSchema);
export type ThrottleDocument = StoredDocument<typeof throttleSchema>;
