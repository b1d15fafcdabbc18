import type { BatchObserver, Identity, InvalidateCache, Logger } from '@mp/service-kit';
import type { MembersDb } from './data/members-repository.js';
import { createLoaders, type MemberLoaders } from './data/loaders.js';

export interface MembersContext {
  db: MembersDb;
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
  now: () => Date;
  eventsWritten: () => void;
  invalidateCache: InvalidateCache;
  observeBatch?: BatchObserver;
}

export function createContext(deps: ContextDeps, logger: Logger, identity: Identity | null): MembersContext {
  const { db, now, eventsWritten, invalidateCache, observeBatch } = deps;
  return { db, now, eventsWritten, invalidateCache, logger, identity, cacheTags: new Set(), loaders: createLoaders(db, observeBatch) };
}
