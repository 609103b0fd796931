export * from './cache.js';
export * from './change.js';
export * from './entity.js';
export * from './example.js';
export * from './ingest.js';
export * from './status.js';
export * from './text.js';
