import type { NicknameChange as NicknameChangeRow, PrismaClient } from '@mp/prisma/nickname-history';
import { MAX_NICKNAME_VERSION, type NicknameChanged } from '@mp/events';
import type { HistoryPage, HistoryPageKey } from './history-page.js';

export type HistoryDb = PrismaClient;

/** Above every storable version, so the newest page includes MAX_NICKNAME_VERSION (a bigint bound). */
const NO_UPPER_BOUND = MAX_NICKNAME_VERSION + 1;

/**
 * Stores events idempotently: the event id is the primary key and (member, version) is unique,
 * so a redelivered or replayed event is skipped rather than recorded twice.
 */
export async function recordNicknameChanges(db: HistoryDb, events: readonly NicknameChanged[]): Promise<number> {
  const { count } = await db.nicknameChange.createMany({
    data: events.map((event) => ({
      id: event.eventId,
      memberId: event.memberId,
      version: event.version,
      previousNickname: event.previousNickname,
      nickname: event.nickname,
      changedAt: new Date(event.changedAt),
    })),
    skipDuplicates: true,
  });
  return count;
}

interface HistoryRow {
  ord: bigint;
  id: string;
  member_id: string;
  version: number;
  previous_nickname: string | null;
  nickname: string;
  changed_at: Date;
  recorded_at: Date;
}

/**
 * Every requested page in ONE statement: a lateral join applies each key's own limit and cursor
 * in SQL, so a batch of N members costs one query and reads only the rows it returns.
 */
export async function findHistoryPages(db: HistoryDb, keys: readonly HistoryPageKey[]): Promise<HistoryPage[]> {
  const rows = await db.$queryRaw<HistoryRow[]>`
    SELECT k.ord, c.id, c.member_id, c.version, c.previous_nickname, c.nickname, c.changed_at, c.recorded_at
      FROM unnest(${keys.map((k) => k.memberId)}::uuid[],
                  ${keys.map((k) => k.beforeVersion ?? NO_UPPER_BOUND)}::bigint[],
                  ${keys.map((k) => k.first + 1)}::int[])
           WITH ORDINALITY AS k(member_id, before_version, row_limit, ord)
     CROSS JOIN LATERAL (
           SELECT * FROM nickname_change nc
            WHERE nc.member_id = k.member_id AND nc.version < k.before_version
            ORDER BY nc.version DESC
            LIMIT k.row_limit) c
     ORDER BY k.ord, c.version DESC`;
  const byKey = keys.map((): NicknameChangeRow[] => []);
  for (const row of rows) {
    byKey[Number(row.ord) - 1]?.push({
      id: row.id,
      memberId: row.member_id,
      version: row.version,
      previousNickname: row.previous_nickname,
      nickname: row.nickname,
      changedAt: row.changed_at,
      recordedAt: row.recorded_at,
    });
  }
  return keys.map((key, index) => {
    const found = byKey[index] ?? [];
    return {
      memberId: key.memberId,
      rows: found.slice(0, key.first),
      hasNextPage: found.length > key.first,
      hasPreviousPage: key.beforeVersion !== null,
    };
  });
}

/** All requested counts in one grouped statement. */
export async function countHistories(db: HistoryDb, memberIds: readonly string[]): Promise<Map<string, number>> {
  const groups = await db.nicknameChange.groupBy({
    by: ['memberId'],
    where: { memberId: { in: [...memberIds] } },
    _count: { _all: true },
  });
  return new Map(groups.map((group) => [group.memberId, group._count._all]));
}
