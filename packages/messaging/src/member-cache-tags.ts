import { cacheTag } from '@mp/service-kit';

/**
 * The tags member data carries in the gateway's cache (see service-kit's CACHE_TAG_HEADER). Both
 * subgraphs tag their answers with them and invalidate them after their writes, so one change drops
 * every cached answer that holds that member, whichever subgraph gave it.
 */
export const memberCacheTag = (memberId: string): string => cacheTag('member', memberId.toLowerCase());
