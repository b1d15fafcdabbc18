import type { Logger } from '@mp/service-kit';
import { nicknameKey } from '../validation/index.js';
import type { MembersDb } from './members-repository.js';

/** The rule `nicknameKey` implements now; rows with a lower version were keyed by an older one. */
export const NICKNAME_KEY_VERSION = 2;

// Any fixed number: replicas starting together take turns, the first re-keys, the rest find nothing to do.
const BACKFILL_LOCK = 7_130_042;
// U+0001 never appears in a valid nickname, so a parked or collision key never equals a real one.
const NOT_A_NICKNAME = '\u0001';
const KEY_COLUMN_LENGTH = 200;

export interface BackfillResult {
  rekeyed: number;
  /** Members whose nickname, under the new rule, looks like an older member's. */
  collisions: { memberId: string; nickname: string; sameKeyAs: string }[];
}

/**
 * Re-keys members written under an older nickname rule, oldest first. Old keys are parked first,
 * so an older member's new key never meets a newer member's old one. Where two existing members
 * now share a key, the older keeps it and the newer gets a key of its own that no nickname can
 * produce: both keep their nicknames (nobody is renamed behind their back), the newer can still
 * change it, and nobody can sign up with a look-alike of either.
 */
export async function backfillNicknameKeys(db: MembersDb, logger: Logger): Promise<BackfillResult> {
  const result = await db.$transaction(
    async (tx): Promise<BackfillResult> => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${BACKFILL_LOCK})`;
      const stale = await tx.member.findMany({
        where: { nicknameKeyVersion: { lt: NICKNAME_KEY_VERSION } },
        select: { id: true, nickname: true },
        orderBy: { id: 'asc' },
      });
      if (stale.length === 0) return { rekeyed: 0, collisions: [] };
      await tx.$executeRaw`
        UPDATE member SET nickname_key = ${NOT_A_NICKNAME} || 'parked:' || id::text
        WHERE nickname_key_version < ${NICKNAME_KEY_VERSION}`;
      const collisions: BackfillResult['collisions'] = [];
      for (const { id, nickname } of stale) {
        const key = nicknameKey(nickname);
        // A key the new rule makes longer than the column cannot be stored as it is: kept apart like a look-alike.
        const fits = Array.from(key).length <= KEY_COLUMN_LENGTH;
        const holder = fits ? await tx.member.findUnique({ where: { nicknameKey: key }, select: { id: true } }) : null;
        if (holder) collisions.push({ memberId: id, nickname, sameKeyAs: holder.id });
        await tx.member.update({
          where: { id },
          data: {
            nicknameKey: holder || !fits ? Array.from(`${NOT_A_NICKNAME}${id}:${key}`).slice(0, KEY_COLUMN_LENGTH).join('') : key,
            nicknameKeyVersion: NICKNAME_KEY_VERSION,
          },
        });
      }
      return { rekeyed: stale.length, collisions };
    },
    // One pass over every old row, once per rule change, before the service answers.
    { maxWait: 60_000, timeout: 10 * 60_000 },
  );
  if (result.rekeyed > 0) logger.info({ rekeyed: result.rekeyed, version: NICKNAME_KEY_VERSION }, 'nickname keys rebuilt');
  for (const collision of result.collisions) {
    logger.warn(collision, 'an existing nickname looks like an older member’s: the older member keeps the key');
  }
  return result;
}
