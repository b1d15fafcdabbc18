import { v7 as uuidv7, validate, version } from 'uuid';

/** UUIDv7: time-ordered (so "oldest first" is index order) and not enumerable. */
export const newId = (): string => uuidv7();

export const isUuid = (value: string): boolean => validate(value) && version(value) >= 1;
