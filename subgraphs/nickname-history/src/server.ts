import { readFileSync } from 'node:fs';
import type { Registry } from 'prom-client';
import type { RecordedEvents } from './intake/intake-metrics.js';
import { parse } from 'graphql';
import {
  buildSubgraphServer,
  dataLoaderBatchMetrics,
  primaryOnly,
  type Logger,
  type ReadRouting,
  type SubgraphServer,
} from '@mp/service-kit';
import { createContext, type HistoryContext } from './context.js';
import type { HistoryDb } from './data/history-repository.js';
import { resolvers } from './resolvers/index.js';
import { eventsRoute } from './intake/events-route.js';

export const typeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

export interface HistoryServerDeps {
  db: HistoryDb;
  /** Where reads go (startReadReplicas); all on `db` when omitted. */
  routing?: ReadRouting<HistoryDb>;
  logger: Logger;
  gatewaySecret: string;
  eventsSecret: string;
  /** Where HTTP server metrics are registered; none when omitted. */
  metricsRegistry?: Registry;
  /** Told of every batch the event intake stored. */
  recordedEvents?: RecordedEvents;
  /** Extra readiness details, e.g. queue and dead-letter depth. */
  readiness?: () => Promise<Record<string, unknown>>;
}

export interface HistoryServer extends SubgraphServer<HistoryContext> {
  /** A request context as `/graphql` would build it, for `executeOperation` in tests. */
  createContext(logger?: Logger): HistoryContext;
}

export async function buildServer({
  db,
  logger,
  routing = primaryOnly(db, logger),
  gatewaySecret,
  eventsSecret,
  readiness,
  metricsRegistry,
  recordedEvents,
}: HistoryServerDeps): Promise<HistoryServer> {
  const observeBatch = metricsRegistry ? dataLoaderBatchMetrics(metricsRegistry) : undefined;
  const server = await buildSubgraphServer<HistoryContext>({
    service: 'nickname-history',
    typeDefs,
    resolvers,
    logger,
    gatewaySecret,
    createContext: (requestLog) => createContext(routing, requestLog, observeBatch),
    cacheTagsOf: (context) => context.cacheTags,
    // Only replicas can serve an answer older than a write it holds; without them nothing runs per request.
    ...(routing.hasReplicas ? { mayCache: (context: HistoryContext) => context.reads.mayCache([...context.cacheTags]) } : {}),
    ready: async () => {
      await db.$queryRaw`SELECT 1`;
      return (await readiness?.()) ?? {};
    },
    routes: [eventsRoute(db, eventsSecret, logger.child({ component: 'event-intake' }), recordedEvents)],
    ...(metricsRegistry ? { metricsRegistry } : {}),
  });
  return { ...server, createContext: (requestLog = logger) => createContext(routing, requestLog, observeBatch) };
}
