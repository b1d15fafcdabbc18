import type { BatchObserver, Logger } from '@mp/service-kit';
import type { HistoryDb } from './data/history-repository.js';
import { createLoaders, type HistoryLoaders } from './data/loaders.js';

export interface HistoryContext {
  db: HistoryDb;
  loaders: HistoryLoaders;
  logger: Logger;
  /** The members whose history this answer holds: sent as its cache-tag header. */
  cacheTags: Set<string>;
}

export function createContext(db: HistoryDb, logger: Logger, observeBatch?: BatchObserver): HistoryContext {
  return { db, logger, cacheTags: new Set(), loaders: createLoaders(db, observeBatch) };
}
