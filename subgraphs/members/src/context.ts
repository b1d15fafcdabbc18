import type { Logger } from '@mp/service-kit';
import type { MembersDb } from './data/members-repository.js';
import { createLoaders, type MemberLoaders } from './data/loaders.js';

export interface MembersContext {
  db: MembersDb;
  loaders: MemberLoaders;
  logger: Logger;
  now: () => Date;
  /** Tells the outbox relay new events are committed, so delivery need not wait for its poll. */
  eventsWritten: () => void;
}

export interface ContextDeps {
  db: MembersDb;
  now: () => Date;
  eventsWritten: () => void;
}

export function createContext(deps: ContextDeps, logger: Logger): MembersContext {
  return { ...deps, logger, loaders: createLoaders(deps.db) };
}
