import type { PrismaClient as HistoryDb } from '@mp/prisma/nickname-history';
import { nicknameChangedEvent, outboxRow, type MembersDb } from '@mp/members';
import {
  inSync,
  planRepairs,
  type DriftedMember,
  type HistorySummary,
  type MemberDrift,
  type MemberState,
  type OutboxEntry,
} from './plan.js';

export interface ReconcileOptions {
  /** Report only; change nothing. */
  dryRun: boolean;
  /** Members compared per round trip. */
  pageSize?: number;
  /**
   * Events published less than this long ago may still be queued or in the consumer's hands;
   * they count as in flight, not missing (re-publishing them would be harmless, only wasteful).
   */
  graceMs?: number;
}

export interface ReconcileReport {
  dryRun: boolean;
  membersChecked: number;
  inSync: number;
  drifted: number;
  inFlight: number;
  conflicts: number;
  /** Outbox rows set back to unpublished so a relay publishes them again. */
  republishedEventIds: string[];
  /** Events written anew because their outbox rows were pruned (only the current version). */
  synthesizedEventIds: string[];
  unrecoverableVersions: number;
  /** The first 100 drifted members, for the operator to read. */
  details: MemberDrift[];
}

const DETAIL_LIMIT = 100;

/**
 * Compares every member's current nickname and version with the newest nickname-history entry
 * (and the entry count, which exposes gaps), reports drift and, unless dry-running, re-publishes
 * what is missing through members' outbox (see planRepairs). Safe while the system runs: a
 * re-published event that arrives after all is skipped by the idempotent store.
 */
export async function reconcile(members: MembersDb, history: HistoryDb, options: ReconcileOptions): Promise<ReconcileReport> {
  const pageSize = options.pageSize ?? 1_000;
  const graceMs = options.graceMs ?? 60_000;
  const report: ReconcileReport = {
    dryRun: options.dryRun,
    membersChecked: 0,
    inSync: 0,
    drifted: 0,
    inFlight: 0,
    conflicts: 0,
    republishedEventIds: [],
    synthesizedEventIds: [],
    unrecoverableVersions: 0,
    details: [],
  };

  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const page = await readMembers(members, after, pageSize);
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    report.membersChecked += page.length;
    const summaries = await readHistorySummaries(
      history,
      page.map((member) => member.id),
    );
    const drifted = page.filter((member) => !inSync(member, summaries.get(member.id)));
    report.inSync += page.length - drifted.length;
    if (drifted.length === 0) continue;

    const ids = drifted.map((member) => member.id);
    const [recorded, outbox] = await Promise.all([readRecordedVersions(history, ids), readOutbox(members, ids)]);
    const plan = planRepairs(
      drifted.map((member): DriftedMember => ({
        member,
        summary: summaries.get(member.id),
        recorded: recorded.get(member.id) ?? new Map(),
      })),
      outbox,
      new Date(),
      graceMs,
    );
    const synthesized = plan.synthesize.map(nicknameChangedEvent);
    report.drifted += plan.drift.length;
    report.conflicts += plan.drift.filter((drift) => drift.action === 'conflict').length;
    report.inFlight += plan.drift.filter((drift) => drift.action === 'in-flight' && drift.missingVersions.length > 0).length;
    report.unrecoverableVersions += plan.drift.reduce((sum, drift) => sum + drift.unrecoverableVersions.length, 0);
    report.details.push(...plan.drift.slice(0, DETAIL_LIMIT - report.details.length));
    report.republishedEventIds.push(...plan.republish);
    report.synthesizedEventIds.push(...synthesized.map((event) => event.eventId));
    if (options.dryRun) continue;
    if (plan.republish.length > 0) {
      await members.$executeRaw`
        UPDATE outbox_event
           SET published_at = NULL, available_at = now(), attempts = 0, last_error = 'requeued by reconcile'
         WHERE id = ANY(${plan.republish}::uuid[])`;
    }
    if (synthesized.length > 0) await members.outboxEvent.createMany({ data: synthesized.map(outboxRow) });
  }
  return report;
}

async function readMembers(members: MembersDb, after: string, limit: number): Promise<MemberState[]> {
  const rows = await members.$queryRaw<{ id: string; nickname: string; nickname_version: number }[]>`
    SELECT id, nickname, nickname_version FROM member WHERE id > ${after}::uuid ORDER BY id LIMIT ${limit}`;
  return rows.map((row) => ({ id: row.id, nickname: row.nickname, version: row.nickname_version }));
}

async function readHistorySummaries(history: HistoryDb, memberIds: string[]): Promise<Map<string, HistorySummary>> {
  const rows = await history.$queryRaw<{ member_id: string; entries: number; newest_version: number; newest_nickname: string }[]>`
    SELECT member_id, count(*)::int AS entries, max(version) AS newest_version,
           (array_agg(nickname ORDER BY version DESC))[1] AS newest_nickname
      FROM nickname_change WHERE member_id = ANY(${memberIds}::uuid[])
     GROUP BY member_id`;
  return new Map(
    rows.map((row) => [row.member_id, { entries: row.entries, newestVersion: row.newest_version, newestNickname: row.newest_nickname }]),
  );
}

async function readRecordedVersions(history: HistoryDb, memberIds: string[]): Promise<Map<string, Map<number, string>>> {
  const rows = await history.$queryRaw<{ member_id: string; version: number; nickname: string }[]>`
    SELECT member_id, version, nickname FROM nickname_change WHERE member_id = ANY(${memberIds}::uuid[])`;
  const recorded = new Map<string, Map<number, string>>();
  for (const row of rows) {
    if (!recorded.has(row.member_id)) recorded.set(row.member_id, new Map());
    recorded.get(row.member_id)!.set(row.version, row.nickname);
  }
  return recorded;
}

async function readOutbox(members: MembersDb, memberIds: string[]): Promise<OutboxEntry[]> {
  const rows = await members.$queryRaw<{ id: string; aggregate_id: string; version: number; published_at: Date | null }[]>`
    SELECT id, aggregate_id, (payload->>'version')::int AS version, published_at
      FROM outbox_event WHERE aggregate_id = ANY(${memberIds}::uuid[]) AND type = 'NicknameChanged'`;
  return rows.map((row) => ({ id: row.id, memberId: row.aggregate_id, version: row.version, publishedAt: row.published_at }));
}
