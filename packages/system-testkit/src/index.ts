export * from './captured-logs.js';
export * from './secrets.js';
export * from './subgraph-system.js';
