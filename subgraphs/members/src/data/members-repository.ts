import type { Member as MemberRow, PrismaClient } from '@mp/prisma/members';
import type { NicknameChanged } from '@mp/events';
import { newId } from './ids.js';
import type { MemberPage } from './pagination.js';

export type MembersDb = PrismaClient;

export interface NewMember {
  email: string;
  emailKey: string;
  nickname: string;
  nicknameKey: string;
  birthDate: string;
}

/** Interactive transactions wait for a pooled connection under load instead of failing fast. */
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 10_000 } as const;

const nicknameChangedEvent = (
  member: MemberRow,
  previousNickname: string | null,
  changedAt: Date,
): NicknameChanged => ({
  type: 'NicknameChanged',
  eventId: newId(),
  memberId: member.id,
  version: member.nicknameVersion,
  previousNickname,
  nickname: member.nickname,
  changedAt: changedAt.toISOString(),
});

const outboxRow = (event: NicknameChanged) => ({
  id: event.eventId,
  aggregateId: event.memberId,
  type: event.type,
  payload: event,
});

export async function findMembersByIds(db: MembersDb, ids: readonly string[]): Promise<MemberRow[]> {
  return db.member.findMany({ where: { id: { in: [...ids] } } });
}

/** Oldest first: UUIDv7 ids sort by creation time, so the primary key index serves the page. */
export async function listMembers(db: MembersDb, first: number, afterId: string | null): Promise<MemberPage> {
  const rows = await db.member.findMany({
    where: afterId ? { id: { gt: afterId } } : {},
    orderBy: { id: 'asc' },
    take: first + 1,
  });
  return { rows: rows.slice(0, first), hasNextPage: rows.length > first, hasPreviousPage: afterId !== null };
}

/** The member and its first NicknameChanged event commit together or not at all. */
export async function insertMember(db: MembersDb, input: NewMember): Promise<MemberRow> {
  return db.$transaction(async (tx) => {
    const member = await tx.member.create({
      data: { id: newId(), ...input, birthDate: new Date(`${input.birthDate}T00:00:00Z`), nicknameVersion: 1 },
    });
    await tx.outboxEvent.create({ data: outboxRow(nicknameChangedEvent(member, null, member.createdAt)) });
    return member;
  }, TRANSACTION_OPTIONS);
}

export type NicknameUpdate =
  | { kind: 'changed'; member: MemberRow; previousNickname: string }
  | { kind: 'unchanged' }
  | { kind: 'not-found' };

/**
 * Locks the member row first so concurrent changes of one member serialise: each change sees
 * the nickname the previous one wrote, and the history stays one unbroken chain.
 */
export async function updateNickname(
  db: MembersDb,
  memberId: string,
  nickname: string,
  nicknameKey: string,
  changedAt: Date,
): Promise<NicknameUpdate> {
  return db.$transaction(async (tx) => {
    // One statement locks the row and reads the nickname the change replaces.
    const [current] = await tx.$queryRaw<{ nickname: string }[]>`
      SELECT nickname FROM member WHERE id = ${memberId}::uuid FOR UPDATE`;
    if (!current) return { kind: 'not-found' };
    if (current.nickname === nickname) return { kind: 'unchanged' };
    const member = await tx.member.update({
      where: { id: memberId },
      data: { nickname, nicknameKey, nicknameVersion: { increment: 1 } },
    });
    await tx.outboxEvent.create({ data: outboxRow(nicknameChangedEvent(member, current.nickname, changedAt)) });
    return { kind: 'changed', member, previousNickname: current.nickname };
  }, TRANSACTION_OPTIONS);
}
