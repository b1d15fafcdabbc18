import type { InvalidateCache } from '@mp/service-kit';
import { memberCacheTag } from '@mp/messaging';
import type { RecordedEvents } from './intake-metrics.js';

/**
 * Told of every batch stored (by either intake): every gateway replica drops the cached histories
 * of those members. Not awaited by the intake: the event is stored either way, and the
 * invalidation never rejects (a failure is logged and counted; the entries live until their TTL).
 */
export const invalidatingCache =
  (invalidate: InvalidateCache, recorded: RecordedEvents = () => {}): RecordedEvents =>
  (events, transport) => {
    recorded(events, transport);
    void invalidate([...new Set(events.map((event) => memberCacheTag(event.memberId)))]);
  };
