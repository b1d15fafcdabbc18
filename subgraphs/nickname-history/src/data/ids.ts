import { validate } from 'uuid';

export const isUuid = (value: string): boolean => validate(value);

/**
 * Member ids are UUIDs, which are case-insensitive: members answers them in lower case, and this
 * service keys histories, counts and cursors by that form, so a reference in any case is the same
 * member. A malformed id stays malformed (and has no history).
 */
export const canonicalMemberId = (id: string): string => id.toLowerCase();
