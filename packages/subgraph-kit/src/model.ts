import type { Connection, InferSchemaType, Require_id, Schema } from 'mongoose';

/**
 * A collection's model on a subgraph's own connection, with its indexes made:
 * schemas set `autoIndex: false`, so that a model is usable only once they exist
 * and a failure to build one fails the start instead of a later request.
 */
export function defineModel<TSchema extends Schema>(name: string, schema: TSchema) {
  return async (connection: Connection) => {
    const model = connection.model(name, schema);
    await model.createIndexes();
    return model;
  };
}

/** A document as stored and as `.lean()` reads it: the schema's fields (timestamps included) and `_id`. */
export type StoredDocument<TSchema extends Schema> = Require_id<InferSchemaType<TSchema>>;
