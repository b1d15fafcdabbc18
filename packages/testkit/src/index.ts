export * from './operations.js';
export * from './wait-for.js';
export * from './ports.js';
export * from './metrics.js';
export * from './tcp-proxy.js';
export * from './streaming-replica.js';
