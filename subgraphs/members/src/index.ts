// Public surface for composing this service in-process (the gateway's integration tests, benchmarks)
// and for the operator's tools (tools/reconcile), which write to members' outbox the way it does.
export { buildServer, type MembersServer, type MembersServerDeps } from './server.js';
export { startOutboxRelay, DEFAULT_RELAY_OPTIONS, type OutboxRelay, type RelayOptions } from './outbox/relay.js';
export { createHttpPublisher } from './outbox/http-publisher.js';
export { createAmqpPublisher, type AmqpPublisher, type AmqpPublisherOptions } from './outbox/amqp-publisher.js';
export { nicknameChangedEvent, outboxRow, type NicknameChange } from './outbox/nickname-changed-event.js';
export type { MembersDb } from './data/members-repository.js';
export type { EventPublisher } from './outbox/publisher.js';
export { outboxBacklog, prunePublished } from './outbox/outbox-store.js';
export { envSchema as membersEnvSchema } from './env.js';
