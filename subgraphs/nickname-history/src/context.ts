import type { BatchObserver, Logger, ReadRouting, RequestReads } from '@mp/service-kit';
import type { HistoryDb } from './data/history-repository.js';
import { createLoaders, type HistoryLoaders } from './data/loaders.js';

export interface HistoryContext {
  /** Reads: on a replica within the lag bound, else on the primary (history is written only by the event intake). */
  reads: RequestReads<HistoryDb>;
  loaders: HistoryLoaders;
  logger: Logger;
  /** The members whose history this answer holds: sent as its cache-tag header. */
  cacheTags: Set<string>;
}

export function createContext(routing: ReadRouting<HistoryDb>, logger: Logger, observeBatch?: BatchObserver): HistoryContext {
  const reads = routing.forRequest(null);
  return { reads, logger, cacheTags: new Set(), loaders: createLoaders(reads, observeBatch) };
}
