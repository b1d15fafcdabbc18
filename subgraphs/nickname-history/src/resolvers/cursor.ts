import { decodeCursor, encodeCursor } from '@mp/service-kit';

const KIND = 'nickname-change';
const SHAPE = /^[0-9a-f-]{36}:\d{1,10}$/;

/** A history cursor names its member, so it cannot page another member's history. */
export const historyCursor = (memberId: string, version: number): string => encodeCursor(KIND, `${memberId}:${version}`);

export function versionFromCursor(memberId: string, cursor: string): number {
  const value = decodeCursor(KIND, cursor, (v) => SHAPE.test(v) && v.startsWith(`${memberId}:`));
  return Number(value.slice(memberId.length + 1));
}
