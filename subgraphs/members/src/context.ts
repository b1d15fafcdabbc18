import type { BatchObserver, Identity, InvalidateCache, Logger, ReadRouting, RequestReads } from '@mp/service-kit';
import type { MembersDb } from './data/members-repository.js';
import { createLoaders, type MemberLoaders } from './data/loaders.js';

export interface MembersContext {
  /** The primary: writes, and reads inside them. */
  db: MembersDb;
  /** Plain reads: on a replica that has what this caller wrote, else on the primary. */
  reads: RequestReads<MembersDb>;
  loaders: MemberLoaders;
  logger: Logger;
  /** The caller the gateway vouched for; null when anonymous. */
  identity: Identity | null;
  now: () => Date;
  /** Tells the outbox relay new events are committed, so delivery need not wait for its poll. */
  eventsWritten: () => void;
  /** What this answer holds, or (for a mutation) changed: sent as its cache-tag header. */
  cacheTags: Set<string>;
  /** Drops tags from the gateway's cache in every replica, after a commit. */
  invalidateCache: InvalidateCache;
}

export interface ContextDeps {
  db: MembersDb;
  routing: ReadRouting<MembersDb>;
  now: () => Date;
  eventsWritten: () => void;
  invalidateCache: InvalidateCache;
  observeBatch?: BatchObserver;
}

export function createContext(deps: ContextDeps, logger: Logger, identity: Identity | null): MembersContext {
  const { db, now, eventsWritten, invalidateCache, observeBatch } = deps;
  const reads = deps.routing.forRequest(identity?.subject ?? null);
  return {
    db,
    reads,
    now,
    eventsWritten,
    invalidateCache,
    logger,
    identity,
    cacheTags: new Set(),
    loaders: createLoaders(reads, observeBatch),
  };
}
