import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface HttpServer {
  readonly server: Server;
  /** `reusePort`: other processes may listen on the same port too (SO_REUSEPORT), sharing its connections. */
  listen(port: number, host?: string, options?: { reusePort?: boolean }): Promise<string>;
  close(): Promise<void>;
}

/** How long a connection may take to send what, and how many there may be. */
export interface ConnectionLimits {
  /** Idle time after which a kept-alive connection is closed. */
  keepAliveTimeoutMs: number;
  /** Time to send the request headers. */
  headersTimeoutMs: number;
  /** Time to send the whole request, body included (a body dripped byte by byte is cut off with 408). */
  requestTimeoutMs: number;
  /** Open connections at once; more are closed as they arrive. 0: no bound. */
  maxConnections: number;
}

/**
 * For a service only the gateway calls: its pool keeps connections idle for up to 15 s, so they must
 * stay open longer here or a request can meet a connection the server is closing ("socket hang up").
 */
export const INTERNAL_CONNECTION_LIMITS: ConnectionLimits = {
  keepAliveTimeoutMs: 65_000,
  headersTimeoutMs: 66_000,
  requestTimeoutMs: 30_000,
  maxConnections: 0,
};

// Node checks the header and request deadlines on this interval (its default, 30 s, lets a slow
// client hold a connection up to twice the deadline).
const DEADLINE_CHECK_INTERVAL_MS = 1_000;

export function createHttpServer(app: Express, limits: ConnectionLimits = INTERNAL_CONNECTION_LIMITS): HttpServer {
  const server = createServer({ connectionsCheckingInterval: DEADLINE_CHECK_INTERVAL_MS }, app);
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  if (limits.maxConnections > 0) server.maxConnections = limits.maxConnections;
  return {
    server,
    listen: (port, host = '127.0.0.1', { reusePort = false } = {}) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port, host, reusePort }, () => {
          server.off('error', reject);
          const { port: bound } = server.address() as AddressInfo;
          resolve(`http://${host}:${bound}`);
        });
      }),
    close: () =>
      new Promise((resolve, reject) => {
        if (!server.listening) {
          resolve();
          return;
        }
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
