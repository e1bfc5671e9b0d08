export * from './db';
export * from './lambda';
export * from './loaders';
export * from './model';
export * from './mongo-metrics';
export * from './subgraph-limits';
export * from './subgraph-server';
export * from './viewer';
