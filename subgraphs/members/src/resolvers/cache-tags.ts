import { cacheTag } from '@mp/service-kit';
import { memberCacheTag } from '@mp/messaging';

/** Pages of `members`: any new member changes them. */
export const MEMBER_LIST_TAG = 'members';

/** What `me` answers for this account: changes when the account signs up. */
export const accountCacheTag = (subject: string): string => cacheTag('account', subject);

export { memberCacheTag };
