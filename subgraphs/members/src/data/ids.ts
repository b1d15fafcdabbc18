import { v7 as uuidv7, validate, version } from 'uuid';

/** UUIDv7: time-ordered (so "oldest first" is index order) and not enumerable. */
export const newId = (): string => uuidv7();

export const isUuid = (value: string): boolean => validate(value) && version(value) >= 1;

/**
 * The one form of an id this service stores and compares: UUIDs are case-insensitive, so
 * "01A2..." and "01a2..." name the same member everywhere (queries, mutations, references).
 * Null for anything that is not a UUID, which no member can have.
 */
export const canonicalId = (value: string): string | null => {
  const lower = value.toLowerCase();
  return isUuid(lower) ? lower : null;
};
