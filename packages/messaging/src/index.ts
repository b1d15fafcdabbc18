// AMQP plumbing shared by members (publisher) and nickname-history (consumer): the topology in
// one place, the dead-letter headers, and a connection that re-establishes itself.
export * from './topology.js';
export * from './dead-letter.js';
export * from './env.js';
export * from './message-body.js';
export * from './reconnecting-connection.js';
export * from './member-cache-tags.js';
