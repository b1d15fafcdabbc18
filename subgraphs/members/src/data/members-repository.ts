import type { Member as MemberRow, PrismaClient } from '@mp/prisma/members';
import { newId } from './ids.js';
import { NICKNAME_KEY_VERSION } from './nickname-key-backfill.js';
import type { MemberPage } from './pagination.js';
import { takenField, type TakenField } from './unique-violation.js';
import { nicknameChangedEvent, outboxRow } from '../outbox/nickname-changed-event.js';

export type MembersDb = PrismaClient;

export interface NewMember {
  /** The signed-up caller's token subject: one member per subject. */
  subject: string;
  email: string;
  emailKey: string;
  nickname: string;
  nicknameKey: string;
  birthDate: string;
}

/** Interactive transactions wait for a pooled connection under load instead of failing fast. */
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 10_000 } as const;

export async function findMembersByIds(db: MembersDb, ids: readonly string[]): Promise<MemberRow[]> {
  return db.member.findMany({ where: { id: { in: [...ids] } } });
}

/** The member the caller signed up as, if any. */
export async function findMemberBySubject(db: MembersDb, subject: string): Promise<MemberRow | null> {
  return db.member.findUnique({ where: { subject } });
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

export type MemberInsert = { kind: 'created'; member: MemberRow } | { kind: 'taken'; field: TakenField };

/**
 * The member and its first NicknameChanged event commit together or not at all. A unique index
 * (subject, email or nickname, case-insensitive) decides races: the loser gets `taken`, not an error.
 */
export async function insertMember(db: MembersDb, input: NewMember): Promise<MemberInsert> {
  try {
    const member = await db.$transaction(async (tx) => {
      const created = await tx.member.create({
        data: {
          id: newId(),
          ...input,
          birthDate: new Date(`${input.birthDate}T00:00:00Z`),
          nicknameVersion: 1,
          nicknameKeyVersion: NICKNAME_KEY_VERSION,
        },
      });
      const event = nicknameChangedEvent({
        memberId: created.id,
        version: created.nicknameVersion,
        previousNickname: null,
        nickname: created.nickname,
        changedAt: created.createdAt,
      });
      await tx.outboxEvent.create({ data: outboxRow(event) });
      return created;
    }, TRANSACTION_OPTIONS);
    return { kind: 'created', member };
  } catch (error) {
    const field = takenField(error);
    if (field) return { kind: 'taken', field };
    throw error;
  }
}

export type NicknameUpdate =
  { kind: 'changed'; member: MemberRow; previousNickname: string } | { kind: 'unchanged' } | { kind: 'not-found' } | { kind: 'taken' };

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
  try {
    return await db.$transaction(async (tx): Promise<NicknameUpdate> => {
      // One statement locks the row and reads the nickname the change replaces.
      const [current] = await tx.$queryRaw<{ nickname: string }[]>`
        SELECT nickname FROM member WHERE id = ${memberId}::uuid FOR UPDATE`;
      if (!current) return { kind: 'not-found' };
      if (current.nickname === nickname) return { kind: 'unchanged' };
      const member = await tx.member.update({
        where: { id: memberId },
        data: { nickname, nicknameKey, nicknameKeyVersion: NICKNAME_KEY_VERSION, nicknameVersion: { increment: 1 } },
      });
      const event = nicknameChangedEvent({
        memberId,
        version: member.nicknameVersion,
        previousNickname: current.nickname,
        nickname: member.nickname,
        changedAt,
      });
      await tx.outboxEvent.create({ data: outboxRow(event) });
      return { kind: 'changed', member, previousNickname: current.nickname };
    }, TRANSACTION_OPTIONS);
  } catch (error) {
    // Another member holds this nickname (case-insensitively): the unique index decided.
    if (takenField(error) === 'nickname') return { kind: 'taken' };
    throw error;
  }
}
