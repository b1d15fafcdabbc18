import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** One registry per process: Node's own metrics (event-loop lag, heap, GC) and the service's. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Request durations from 5 ms to 10 s: a GraphQL request's range, and the alert budgets'. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * OpenTelemetry's HTTP server metrics (`http.server.request.duration`, `http.server.active_requests`)
 * in Prometheus form. Routes are the given prefixes or "other": a label value never comes from a
 * client's URL unbounded.
 */
export function httpServerMetrics(registry: Registry, routes: readonly string[]): RequestHandler {
  const duration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP server requests.',
    labelNames: ['http_request_method', 'http_route', 'http_response_status_code'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const active = new Gauge({
    name: 'http_server_active_requests',
    help: 'HTTP server requests in flight.',
    labelNames: ['http_route'] as const,
    registers: [registry],
  });
  const routeOf = (path: string) => routes.find((route) => path === route || path.startsWith(`${route}/`)) ?? 'other';
  const methods = new Set(['GET', 'POST', 'OPTIONS', 'HEAD']);
  return (req, res, next) => {
    const route = routeOf(req.path);
    const method = methods.has(req.method) ? req.method : 'other';
    const started = process.hrtime.bigint();
    active.inc({ http_route: route });
    res.once('close', () => {
      active.dec({ http_route: route });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      duration.observe({ http_request_method: method, http_route: route, http_response_status_code: String(res.statusCode) }, seconds);
    });
    next();
  };
}

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/**
 * `/metrics` in Prometheus text format on a port of its own: operators scrape it from inside the
 * network, and the public port never serves it.
 */
export async function startMetricsServer(registry: Registry, port: number, host = '127.0.0.1'): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${bound}/metrics`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Records how many keys one DataLoader batch carried. */
export type BatchObserver = (loader: string, keys: number) => void;

/**
 * DataLoader batch sizes by loader: with batching working, a page of N entities is one batch of N
 * keys, not N batches of one.
 */
export function dataLoaderBatchMetrics(registry: Registry): BatchObserver {
  const size = new Histogram({
    name: 'dataloader_batch_size',
    help: 'Keys per DataLoader batch, by loader.',
    labelNames: ['loader'] as const,
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [registry],
  });
  return (loader, keys) => size.observe({ loader }, keys);
}

/** Records one SQL statement the service sent and how long it took. */
export type SqlObserver = (sql: string, durationMs: number) => void;

const SQL_OPERATION = /^\s*(SELECT|INSERT|UPDATE|DELETE|BEGIN|COMMIT|ROLLBACK|WITH)\b/i;
const SQL_TABLE = /\b(?:FROM|INTO|UPDATE|JOIN)\s+(?:"?public"?\.)?"?([a-z_][a-z0-9_]*)"?/i;

/**
 * OpenTelemetry's `db.client.operation.duration` by table (`db_collection_name`, one of `tables`
 * or "other") and statement kind (`db_operation_name`), from Prisma's query events: the SQL text is
 * read for those two words and never becomes a label itself.
 */
export function sqlMetrics(registry: Registry, tables: readonly string[]): SqlObserver {
  const duration = new Histogram({
    name: 'db_client_operation_duration_seconds',
    help: 'Duration of SQL statements, by table and statement kind.',
    labelNames: ['db_collection_name', 'db_operation_name'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const known = new Set(tables);
  return (sql, durationMs) => {
    const operation = SQL_OPERATION.exec(sql)?.[1]?.toUpperCase() ?? 'OTHER';
    const table = SQL_TABLE.exec(sql)?.[1]?.toLowerCase();
    duration.observe({ db_collection_name: table && known.has(table) ? table : 'other', db_operation_name: operation }, durationMs / 1000);
  };
}

/**
 * `read` shared by every gauge collected in one scrape (they are collected together): one
 * database query or broker call per scrape, however many gauges show its result.
 */
export function oncePerScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () => (pending ??= read().finally(() => setTimeout(() => (pending = null), 0)));
}

/** A pool's occupancy as the database layer reports it (null: no pool, e.g. embedded). */
export interface ConnectionPoolStats {
  total: number;
  idle: number;
  waiting: number;
  max: number;
  /** Queries the pool's bounded queue refused so far. */
  refused?: number;
}

/** The pools each registry reports on: metrics are registered once per registry and read every pool. */
const poolsByRegistry = new WeakMap<Registry, Map<string, () => ConnectionPoolStats | null>>();

/**
 * OpenTelemetry's connection-pool metrics (`db.client.connection.count` by state,
 * `.pending_requests`, `.max`), plus the queries a bounded pool refused: a pool at its max with
 * requests waiting is where latency hides. Call once per pool (the primary's, each replica's);
 * `db_client_connection_pool_name` tells them apart.
 */
export function connectionPoolMetrics(registry: Registry, pool: string, read: () => ConnectionPoolStats | null): void {
  const known = poolsByRegistry.get(registry);
  if (known) {
    known.set(pool, read);
    return;
  }
  const pools = new Map([[pool, read]]);
  poolsByRegistry.set(registry, pools);
  const each = (report: (labels: { db_client_connection_pool_name: string }, stats: ConnectionPoolStats) => void) => {
    for (const [name, readStats] of pools) {
      const stats = readStats();
      if (stats) report({ db_client_connection_pool_name: name }, stats);
    }
  };
  new Gauge({
    name: 'db_client_connection_count',
    help: 'Connections in the pool, by state (used, idle).',
    labelNames: ['db_client_connection_pool_name', 'db_client_connection_state'] as const,
    registers: [registry],
    collect() {
      each((labels, stats) => {
        this.set({ ...labels, db_client_connection_state: 'used' }, stats.total - stats.idle);
        this.set({ ...labels, db_client_connection_state: 'idle' }, stats.idle);
      });
    },
  });
  const poolGauge = (name: string, help: string, value: (stats: ConnectionPoolStats) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['db_client_connection_pool_name'] as const,
      registers: [registry],
      collect() {
        each((labels, stats) => this.set(labels, value(stats)));
      },
    });
  poolGauge('db_client_connection_pending_requests', 'Queries waiting for a pooled connection.', (stats) => stats.waiting);
  poolGauge('db_client_connection_max', 'Connections the pool may open.', (stats) => stats.max);
  new Counter({
    name: 'db_client_connection_refused_total',
    help: 'Queries refused at once because every connection was busy and the wait queue full (or the wait too long).',
    labelNames: ['db_client_connection_pool_name'] as const,
    registers: [registry],
    collect() {
      this.reset();
      each((labels, stats) => {
        if (stats.refused !== undefined) this.inc(labels, stats.refused);
      });
    },
  });
}
