import { cacheTag } from '@mp/service-kit';

/**
 * The tags member data carries in the gateway's cache (see service-kit's CACHE_TAG_HEADER). Each
 * subgraph tags its answers with the tag of the data it holds and invalidates that tag after its
 * own writes: a nickname change drops the cached member, and storing its event drops the cached
 * history. Neither answer depends on the other's data, so a change costs each cached read of that
 * member one refill per subgraph, not two.
 */
export const memberCacheTag = (memberId: string): string => cacheTag('member', memberId.toLowerCase());

/** A member's nickname history, as nickname-history answers and stores it. */
export const memberHistoryCacheTag = (memberId: string): string => cacheTag('member-history', memberId.toLowerCase());
