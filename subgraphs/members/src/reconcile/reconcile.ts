import type { PrismaClient as HistoryDb } from '@mp/prisma/nickname-history';
import type { NicknameChanged } from '@mp/events';
import type { MembersDb } from '../data/members-repository.js';
import { nicknameChangedEvent, outboxRow } from '../outbox/nickname-changed-event.js';

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

export type DriftAction = 'in-flight' | 'republished' | 'partly-unrecoverable' | 'conflict';

export interface MemberDrift {
  memberId: string;
  /** members' truth */
  nickname: string;
  version: number;
  /** newest history entry and how many entries there are */
  history: { newestVersion: number | null; newestNickname: string | null; entries: number };
  missingVersions: number[];
  action: DriftAction;
  /** Missing versions whose outbox rows were already pruned and are not the current one. */
  unrecoverableVersions: number[];
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

interface MemberRow {
  id: string;
  nickname: string;
  nickname_version: number;
}

interface HistorySummary {
  member_id: string;
  entries: number;
  newest_version: number;
  newest_nickname: string;
}

interface OutboxRow {
  id: string;
  aggregate_id: string;
  version: number;
  published_at: Date | null;
}

const DETAIL_LIMIT = 100;

/**
 * Compares every member's current nickname and version with the newest nickname-history entry
 * (and the entry count, which exposes gaps), reports drift and, unless dry-running, re-publishes
 * what is missing through the outbox: retained rows are marked unpublished again, and a current
 * version whose row was pruned is written as a new event. Safe while the system runs: a
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
    const page = await members.$queryRaw<MemberRow[]>`
      SELECT id, nickname, nickname_version FROM member WHERE id > ${after}::uuid ORDER BY id LIMIT ${pageSize}`;
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    report.membersChecked += page.length;

    const summaries = await history.$queryRaw<HistorySummary[]>`
      SELECT member_id, count(*)::int AS entries, max(version) AS newest_version,
             (array_agg(nickname ORDER BY version DESC))[1] AS newest_nickname
        FROM nickname_change WHERE member_id = ANY(${page.map((m) => m.id)}::uuid[])
       GROUP BY member_id`;
    const byMember = new Map(summaries.map((s) => [s.member_id, s]));

    const drifted: { member: MemberRow; summary: HistorySummary | undefined }[] = [];
    for (const member of page) {
      const summary = byMember.get(member.id);
      const inSync =
        summary !== undefined &&
        summary.entries === member.nickname_version &&
        summary.newest_version === member.nickname_version &&
        summary.newest_nickname === member.nickname;
      if (inSync) report.inSync += 1;
      else drifted.push({ member, summary });
    }
    if (drifted.length > 0) await repair(members, history, drifted, graceMs, options.dryRun, report);
  }
  return report;
}

async function repair(
  members: MembersDb,
  history: HistoryDb,
  drifted: { member: MemberRow; summary: HistorySummary | undefined }[],
  graceMs: number,
  dryRun: boolean,
  report: ReconcileReport,
): Promise<void> {
  const ids = drifted.map((d) => d.member.id);
  const entries = await history.$queryRaw<{ member_id: string; version: number; nickname: string }[]>`
    SELECT member_id, version, nickname FROM nickname_change WHERE member_id = ANY(${ids}::uuid[])`;
  const outbox = await members.$queryRaw<OutboxRow[]>`
    SELECT id, aggregate_id, (payload->>'version')::int AS version, published_at
      FROM outbox_event WHERE aggregate_id = ANY(${ids}::uuid[]) AND type = 'NicknameChanged'`;
  const recorded = new Map<string, Map<number, string>>();
  for (const e of entries) {
    if (!recorded.has(e.member_id)) recorded.set(e.member_id, new Map());
    recorded.get(e.member_id)!.set(e.version, e.nickname);
  }
  const rows = new Map(outbox.map((row) => [`${row.aggregate_id}:${row.version}`, row]));
  const graceEdge = Date.now() - graceMs;

  const republish: string[] = [];
  const synthesized: NicknameChanged[] = [];
  for (const { member, summary } of drifted) {
    report.drifted += 1;
    const present = recorded.get(member.id) ?? new Map<number, string>();
    const version = member.nickname_version;
    const conflict =
      (summary?.newest_version ?? 0) > version ||
      (present.has(version) && present.get(version) !== member.nickname);
    const missing: number[] = [];
    for (let v = 1; v <= version; v += 1) if (!present.has(v)) missing.push(v);
    const unrecoverable: number[] = [];
    let waiting = 0;
    let repaired = 0;
    if (!conflict) {
      for (const v of missing) {
        const row = rows.get(`${member.id}:${v}`);
        if (row && (row.published_at === null || row.published_at.getTime() > graceEdge)) waiting += 1;
        else if (row) {
          republish.push(row.id);
          repaired += 1;
        } else if (v === version) {
          // Pruned, but members still knows the current state: announce it again.
          const previous = present.get(v - 1) ?? null;
          synthesized.push(
            nicknameChangedEvent({
              memberId: member.id,
              version,
              previousNickname: v === 1 ? null : previous,
              nickname: member.nickname,
              changedAt: new Date(),
            }),
          );
          repaired += 1;
        } else unrecoverable.push(v);
      }
    }
    const action: DriftAction = conflict
      ? 'conflict'
      : unrecoverable.length > 0
        ? 'partly-unrecoverable'
        : repaired > 0
          ? 'republished'
          : 'in-flight';
    if (action === 'conflict') report.conflicts += 1;
    if (action === 'in-flight' && waiting > 0) report.inFlight += 1;
    report.unrecoverableVersions += unrecoverable.length;
    if (report.details.length < DETAIL_LIMIT) {
      report.details.push({
        memberId: member.id,
        nickname: member.nickname,
        version,
        history: {
          newestVersion: summary?.newest_version ?? null,
          newestNickname: summary?.newest_nickname ?? null,
          entries: summary?.entries ?? 0,
        },
        missingVersions: missing,
        action,
        unrecoverableVersions: unrecoverable,
      });
    }
  }

  report.republishedEventIds.push(...republish);
  report.synthesizedEventIds.push(...synthesized.map((e) => e.eventId));
  if (dryRun) return;
  if (republish.length > 0) {
    await members.$executeRaw`
      UPDATE outbox_event
         SET published_at = NULL, available_at = now(), attempts = 0, last_error = 'requeued by reconcile'
       WHERE id = ANY(${republish}::uuid[])`;
  }
  if (synthesized.length > 0) {
    await members.outboxEvent.createMany({
      data: synthesized.map(outboxRow),
    });
  }
}
