import { BadUserInputError } from './errors.js';

export const MAX_PAGE_SIZE = 100;

/** `first` is 1..100: unbounded pages are a denial-of-service vector. */
export function pageSize(first: number | null | undefined, defaultSize = 20): number {
  const size = first ?? defaultSize;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new BadUserInputError(`first must be between 1 and ${MAX_PAGE_SIZE}`, 'first');
  }
  return size;
}

/**
 * Cursors are opaque to clients (base64url) but typed for us: a cursor from one connection is
 * rejected by another instead of silently paging something else.
 */
export function encodeCursor(kind: string, value: string): string {
  return Buffer.from(`${kind}:${value}`, 'utf8').toString('base64url');
}

export function decodeCursor(kind: string, cursor: string, isValid: (value: string) => boolean): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const prefix = `${kind}:`;
  const value = decoded.startsWith(prefix) ? decoded.slice(prefix.length) : '';
  if (!isValid(value) || encodeCursor(kind, value) !== cursor) {
    throw new BadUserInputError('after is not a valid cursor for this connection', 'after');
  }
  return value;
}
