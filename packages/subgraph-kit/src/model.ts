import type { Connection, InferSchemaType, Require_id, Schema } from 'mongoose';

/**
 * A collection's model on a subgraph's own connection, with its indexes made:
 * schemas set `autoIndex: false`, so that a model is usable only once they exist
 * and a failure to build one fails the start instead of a later request.
 */
export function defineModel<TSchema extends Schema>(name: string, schema: TSchema, { preImages = false }: ModelOptions = {}) {
  return async (connection: Connection) => {
    const model = connection.model(name, schema);
    if (preImages) await keepPreImages(connection, model.collection.collectionName);
    await model.createIndexes();
    return model;
  };
}

export interface ModelOptions {
  /**
   * Keep each document's state before an update or delete for change streams (MongoDB 6+), so that
   * a published stream can say what a deleted document was, not only its _id.
   */
  preImages?: boolean;
}

const NAMESPACE_NOT_FOUND = 26;
const NAMESPACE_EXISTS = 48;
const errorCode = (error: unknown) => (error as { code?: unknown }).code;

/** Turns pre-images on for a collection, creating it if need be (another instance may be doing the same). */
async function keepPreImages(connection: Connection, collection: string): Promise<void> {
  const db = connection.db;
  if (!db) throw new Error('the database is not connected');
  const option = { changeStreamPreAndPostImages: { enabled: true } };
  try {
    await db.command({ collMod: collection, ...option });
  } catch (error) {
    if (errorCode(error) !== NAMESPACE_NOT_FOUND) throw error;
    await db.createCollection(collection, option).catch((raced: unknown) => {
      if (errorCode(raced) !== NAMESPACE_EXISTS) throw raced;
      return db.command({ collMod: collection, ...option });
    });
  }
}

/** A document as stored and as `.lean()` reads it: the schema's fields (timestamps included) and `_id`. */
export type StoredDocument<TSchema extends Schema> = Require_id<InferSchemaType<TSchema>>;
