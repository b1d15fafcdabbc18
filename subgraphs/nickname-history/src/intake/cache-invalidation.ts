import type { InvalidateCache, ReadRouting } from '@mp/service-kit';
import { memberHistoryCacheTag } from '@mp/messaging';
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
    void invalidate([...new Set(events.map((event) => memberHistoryCacheTag(event.memberId)))]);
  };

/**
 * Fences the stored events first: a database replica that has not replayed them must not refill
 * the gateway's cache with the old history after the invalidation.
 */
export const fencedInvalidation =
  (routing: Pick<ReadRouting<unknown>, 'fenceWrite'>, invalidate: InvalidateCache): InvalidateCache =>
  async (tags) => {
    await routing.fenceWrite(null, tags);
    await invalidate(tags);
  };
