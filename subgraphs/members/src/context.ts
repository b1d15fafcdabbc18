import type { BatchObserver, Identity, Logger } from '@mp/service-kit';
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
}

export interface ContextDeps {
  db: MembersDb;
  now: () => Date;
  eventsWritten: () => void;
  observeBatch?: BatchObserver;
}

export function createContext(deps: ContextDeps, logger: Logger, identity: Identity | null): MembersContext {
  const { db, now, eventsWritten, observeBatch } = deps;
  return { db, now, eventsWritten, logger, identity, loaders: createLoaders(db, observeBatch) };
}
