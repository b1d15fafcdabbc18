import DataLoader from 'dataloader';
import type { HistoryPage, HistoryPageKey } from './history-page.js';
import { countHistories, findHistoryPages, type HistoryDb } from './history-repository.js';
import { tracedBatch, type BatchObserver, type RequestReads } from '@mp/service-kit';
import { isUuid } from './ids.js';

/** Per-request loaders; one `_entities` batch from the gateway becomes one call of each. */
export interface HistoryLoaders {
  historyPage: DataLoader<HistoryPageKey, HistoryPage, string>;
  historyCount: DataLoader<string, number>;
}

const emptyPage = (key: HistoryPageKey): HistoryPage => ({
  memberId: key.memberId,
  rows: [],
  hasNextPage: false,
  hasPreviousPage: key.beforeVersion !== null,
});

export function createLoaders(reads: RequestReads<HistoryDb>, observeBatch: BatchObserver = () => {}): HistoryLoaders {
  return {
    historyPage: new DataLoader(
      tracedBatch('historyPage', async (keys: readonly HistoryPageKey[]) => {
        observeBatch('historyPage', keys.length);
        // A malformed id cannot have history; keep it out of the uuid[] parameter.
        const valid = keys.filter((key) => isUuid(key.memberId));
        const pages = valid.length > 0 ? await reads.read((db) => findHistoryPages(db, valid)) : [];
        const byKey = new Map(valid.map((key, index) => [key, pages[index]]));
        return keys.map((key) => byKey.get(key) ?? emptyPage(key));
      }),
      { cacheKeyFn: (key) => `${key.memberId}|${key.first}|${key.beforeVersion ?? ''}` },
    ),
    historyCount: new DataLoader(
      tracedBatch('historyCount', async (memberIds: readonly string[]) => {
        observeBatch('historyCount', memberIds.length);
        const valid = memberIds.filter(isUuid);
        const counts = valid.length > 0 ? await reads.read((db) => countHistories(db, valid)) : new Map<string, number>();
        return memberIds.map((id) => counts.get(id) ?? 0);
      }),
    ),
  };
}
