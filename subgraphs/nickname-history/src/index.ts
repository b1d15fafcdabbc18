// Public surface for composing this service in-process (the gateway's integration tests, benchmarks).
export { buildServer, type HistoryServer, type HistoryServerDeps } from './server.js';
export { envSchema as historyEnvSchema } from './env.js';
