import type { ConnectionLimits } from '@mp/service-kit';

/**
 * Clients' connections to the gateway. Short idle and header times keep idle or slow sockets from
 * piling up; the request deadline also bounds a body sent a byte at a time; the connection bound
 * keeps one host from opening thousands.
 */
export const PUBLIC_CONNECTION_LIMITS: ConnectionLimits = {
  keepAliveTimeoutMs: 5_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxConnections: 1_024,
};

/** A client request's whole time at the gateway, all its subgraph fetches included. */
export const DEFAULT_REQUEST_DEADLINE_MS = 15_000;

/** With cost limits on, a real answer is far smaller; this only stops a runaway one. */
export const DEFAULT_MAX_SUBGRAPH_RESPONSE_BYTES = 5 * 1024 * 1024;

/** Each subgraph's bulkhead: fetches in flight (and connections) and fetches waiting for a place. */
export const DEFAULT_BULKHEAD = { maxConcurrent: 256, maxQueued: 1024 };

/** Retries of a subgraph query after a connection failure or a 502/503 answer. */
export const DEFAULT_QUERY_RETRIES = 2;
