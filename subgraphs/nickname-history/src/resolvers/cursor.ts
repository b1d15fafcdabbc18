import { MAX_NICKNAME_VERSION } from '@mp/events';
import { decodeCursor, encodeCursor } from '@mp/service-kit';

const KIND = 'nickname-change';
const SHAPE = /^[0-9a-f-]{36}:\d{1,10}$/;

/** A history cursor names its member, so it cannot page another member's history. */
export const historyCursor = (memberId: string, version: number): string => encodeCursor(KIND, `${memberId}:${version}`);

export function versionFromCursor(memberId: string, cursor: string): number {
  // A forged version beyond what the column holds would fail in SQL: it is a foreign cursor.
  const value = decodeCursor(
    KIND,
    cursor,
    (v) => SHAPE.test(v) && v.startsWith(`${memberId}:`) && Number(v.slice(memberId.length + 1)) <= MAX_NICKNAME_VERSION,
  );
  return Number(value.slice(memberId.length + 1));
}
