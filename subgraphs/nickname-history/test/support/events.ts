import { randomUUID } from 'node:crypto';
import type { NicknameChanged } from '@mp/events';

/** A member's valid chain of NicknameChanged events: nicknames[0] is the sign-up nickname. */
export function chainOf(memberId: string, nicknames: string[], start = Date.parse('2026-01-01T00:00:00Z')): NicknameChanged[] {
  return nicknames.map((nickname, i) => ({
    type: 'NicknameChanged',
    eventId: randomUUID(),
    memberId,
    version: i + 1,
    previousNickname: i === 0 ? null : nicknames[i - 1]!,
    nickname,
    changedAt: new Date(start + i * 60_000).toISOString(),
  }));
}
