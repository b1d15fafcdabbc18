import { readFileSync } from 'node:fs';
import type { Registry } from 'prom-client';
import { parse } from 'graphql';
import {
  buildSubgraphServer,
  dataLoaderBatchMetrics,
  type Identity,
  type InvalidateCache,
  type Logger,
  type ReadRouting,
  type SubgraphServer,
  primaryOnly,
} from '@mp/service-kit';
import { createContext, type MembersContext } from './context.js';
import type { MembersDb } from './data/members-repository.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

export interface MembersServerDeps {
  db: MembersDb;
  /** Where reads go (startReadReplicas); all on `db` when omitted. */
  routing?: ReadRouting<MembersDb>;
  logger: Logger;
  gatewaySecret: string;
  now?: () => Date;
  /** Called after a mutation committed outbox events. */
  eventsWritten?: () => void;
  /** Drops what a write changed from the gateway's cache (subgraphCacheInvalidation); none when omitted. */
  invalidateCache?: InvalidateCache;
  /** Where HTTP server metrics are registered; none when omitted. */
  metricsRegistry?: Registry;
  /** Extra readiness details, e.g. outbox lag. */
  readiness?: () => Promise<Record<string, unknown>>;
}

export interface MembersServer extends SubgraphServer<MembersContext> {
  /** A request context as `/graphql` would build it for this caller, for `executeOperation` in tests. */
  createContext(identity: Identity | null, logger?: Logger): MembersContext;
}

export async function buildServer(deps: MembersServerDeps): Promise<MembersServer> {
  const { db, logger } = deps;
  const routing = deps.routing ?? primaryOnly(db, logger);
  const contextDeps = {
    db,
    routing,
    now: deps.now ?? (() => new Date()),
    eventsWritten: deps.eventsWritten ?? (() => {}),
    invalidateCache: deps.invalidateCache ?? (() => Promise.resolve()),
    ...(deps.metricsRegistry ? { observeBatch: dataLoaderBatchMetrics(deps.metricsRegistry) } : {}),
  };
  const server = await buildSubgraphServer<MembersContext>({
    service: 'members',
    typeDefs,
    resolvers,
    logger,
    gatewaySecret: deps.gatewaySecret,
    ...(deps.metricsRegistry ? { metricsRegistry: deps.metricsRegistry } : {}),
    createContext: (requestLog, identity) => createContext(contextDeps, requestLog, identity),
    cacheTagsOf: (context) => context.cacheTags,
    // Only replicas can serve an answer older than a write it holds; without them nothing runs per request.
    ...(routing.hasReplicas ? { mayCache: (context: MembersContext) => context.reads.mayCache([...context.cacheTags]) } : {}),
    ready: async () => {
      await db.$queryRaw`SELECT 1`;
      return (await deps.readiness?.()) ?? {};
    },
  });
  return { ...server, createContext: (identity, requestLog = logger) => createContext(contextDeps, requestLog, identity) };
}
