// What to do about drifted members, decided without I/O: rows in, actions out. reconcile.ts
// reads the rows and carries the plan out.
import type { NicknameChange } from '@mp/members';

export type DriftAction = 'in-flight' | 'republished' | 'partly-unrecoverable' | 'conflict';

/** A member as members knows it. */
export interface MemberState {
  id: string;
  nickname: string;
  version: number;
}

/** What nickname-history holds for a member. */
export interface HistorySummary {
  entries: number;
  newestVersion: number;
  newestNickname: string;
}

/** One of members' retained outbox rows for a NicknameChanged event. */
export interface OutboxEntry {
  id: string;
  memberId: string;
  version: number;
  publishedAt: Date | null;
}

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

export interface DriftedMember {
  member: MemberState;
  summary: HistorySummary | undefined;
  /** version -> nickname of every history entry the member has */
  recorded: ReadonlyMap<number, string>;
}

export interface RepairPlan {
  /** Outbox rows to set back to unpublished so a relay publishes them again. */
  republish: string[];
  /** Events to write anew: the current version, whose outbox row was pruned. */
  synthesize: NicknameChange[];
  drift: MemberDrift[];
}

/** In sync: the history holds every version up to members' current one, the newest matching. */
export const inSync = (member: MemberState, summary: HistorySummary | undefined): boolean =>
  summary !== undefined &&
  summary.entries === member.version &&
  summary.newestVersion === member.version &&
  summary.newestNickname === member.nickname;

/**
 * For each drifted member: a version the history is missing is re-published from its retained
 * outbox row, or, if that row was pruned and it is the current version, announced anew from
 * members' current state. A row published less than `graceMs` ago (or not yet) is in flight,
 * not missing. A history ahead of members, or disagreeing on the current version, is a conflict
 * for an operator: nothing is re-published for it.
 */
export function planRepairs(drifted: readonly DriftedMember[], outbox: readonly OutboxEntry[], now: Date, graceMs: number): RepairPlan {
  const rows = new Map(outbox.map((row) => [`${row.memberId}:${row.version}`, row]));
  const graceEdge = now.getTime() - graceMs;
  const plan: RepairPlan = { republish: [], synthesize: [], drift: [] };
  for (const { member, summary, recorded } of drifted) {
    const conflict =
      (summary?.newestVersion ?? 0) > member.version || (recorded.has(member.version) && recorded.get(member.version) !== member.nickname);
    const missing: number[] = [];
    for (let version = 1; version <= member.version; version += 1) if (!recorded.has(version)) missing.push(version);
    const unrecoverable: number[] = [];
    let repaired = 0;
    if (!conflict) {
      for (const version of missing) {
        const row = rows.get(`${member.id}:${version}`);
        if (row && (row.publishedAt === null || row.publishedAt.getTime() > graceEdge)) continue;
        if (row) {
          plan.republish.push(row.id);
          repaired += 1;
        } else if (version === member.version) {
          plan.synthesize.push({
            memberId: member.id,
            version,
            previousNickname: version === 1 ? null : (recorded.get(version - 1) ?? null),
            nickname: member.nickname,
            changedAt: now,
          });
          repaired += 1;
        } else unrecoverable.push(version);
      }
    }
    plan.drift.push({
      memberId: member.id,
      nickname: member.nickname,
      version: member.version,
      history: {
        newestVersion: summary?.newestVersion ?? null,
        newestNickname: summary?.newestNickname ?? null,
        entries: summary?.entries ?? 0,
      },
      missingVersions: missing,
      action: conflict ? 'conflict' : unrecoverable.length > 0 ? 'partly-unrecoverable' : repaired > 0 ? 'republished' : 'in-flight',
      unrecoverableVersions: unrecoverable,
    });
  }
  return plan;
}
