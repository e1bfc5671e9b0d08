/** The values of a cursor's documents, `size` at a time: for walks over a whole collection (rebuilds). */
export async function* inBatches<TDocument>(cursor: AsyncIterable<TDocument>, size: number, value: (document: TDocument) => string): AsyncGenerator<string[]> {
  let batch: string[] = [];
  for await (const document of cursor) {
    batch.push(value(document));
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
