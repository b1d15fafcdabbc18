import type { BatchObserver, Logger } from '@mp/service-kit';
import type { HistoryDb } from './data/history-repository.js';
import { createLoaders, type HistoryLoaders } from './data/loaders.js';

export interface HistoryContext {
  db: HistoryDb;
  loaders: HistoryLoaders;
  logger: Logger;
}

export function createContext(db: HistoryDb, logger: Logger, observeBatch?: BatchObserver): HistoryContext {
  return { db, logger, loaders: createLoaders(db, observeBatch) };
}
