// Public surface for composing this service in-process (the gateway's integration tests, benchmarks).
export { buildServer, type HistoryServer, type HistoryServerDeps } from './server.js';
export { envSchema as historyEnvSchema } from './env.js';
export {
  startAmqpConsumer,
  type AmqpConsumer,
  type AmqpConsumerOptions,
  type ConsumerStats,
  type ConsumerStatus,
} from './intake/amqp-consumer.js';
export { recordNicknameChanges } from './data/history-repository.js';
export { invalidatingCache } from './intake/cache-invalidation.js';
