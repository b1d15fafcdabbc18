// What the services stored, read straight from their databases: whether every nickname change a
// client saw succeed reached nickname-history exactly once, and whether each member's history is
// an unbroken chain (versions 1..n, each entry's previous nickname the prior entry's nickname, the
// last entry the member's current nickname and version).
import pg from 'pg';

export interface AuditResult {
  /** Changes the clients saw succeed, and how many of them history holds exactly once. */
  acknowledged: number;
  exactlyOnce: number;
  lost: string[];
  duplicated: string[];
  /** Changes whose answer the client lost: how many happened anyway (both are correct outcomes). */
  unacknowledged: number;
  unacknowledgedApplied: number;
  /** Members whose chains were checked. */
  members: number;
  historyRows: number;
  expectedRows: number;
  brokenChains: string[];
  /** Outbox events published more than once (a relay died between publishing and marking): history skipped the copies. */
  republished: number;
}

interface HistoryRow {
  member_id: string;
  version: number;
  previous_nickname: string | null;
  nickname: string;
}

/** Problems of one member's history (rows by version), given its current nickname and version. */
export function chainProblems(rows: HistoryRow[], current: { nickname: string; version: number }): string[] {
  const problems: string[] = [];
  rows.forEach((row, index) => {
    if (row.version !== index + 1) problems.push(`version ${row.version} at position ${index + 1}`);
    const expectedPrevious = index === 0 ? null : rows[index - 1]!.nickname;
    if (row.previous_nickname !== expectedPrevious)
      problems.push(`v${row.version}: previous ${row.previous_nickname ?? 'null'}, expected ${expectedPrevious ?? 'null'}`);
  });
  const last = rows.at(-1);
  if (rows.length !== current.version) problems.push(`${rows.length} entries, member is at version ${current.version}`);
  if (last && last.nickname !== current.nickname) problems.push(`last entry ${last.nickname}, member is ${current.nickname}`);
  return problems;
}

export class SystemDatabases {
  private readonly members: pg.Pool;
  private readonly history: pg.Pool;

  constructor(urls: { members: string; history: string }) {
    this.members = new pg.Pool({ connectionString: urls.members, max: 2 });
    this.history = new pg.Pool({ connectionString: urls.history, max: 2 });
  }

  async historyRows(): Promise<number> {
    const { rows } = await this.history.query<{ n: number }>('SELECT count(*)::int AS n FROM nickname_change');
    return rows[0]!.n;
  }

  /** Outbox events not yet acknowledged by the broker, and the history rows the members' versions call for. */
  async pending(): Promise<{ outbox: number; expectedRows: number }> {
    const outbox = await this.members.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox_event WHERE published_at IS NULL');
    const expected = await this.members.query<{ n: number }>('SELECT coalesce(sum(nickname_version), 0)::int AS n FROM member');
    return { outbox: outbox.rows[0]!.n, expectedRows: expected.rows[0]!.n };
  }

  /**
   * Waits until every committed change has been delivered: the outbox is empty and history has as
   * many rows as the members' versions add up to. A relay killed holding a lease leaves its rows
   * to another relay only when the lease expires, so this can take that long.
   */
  async settle(
    timeoutMs: number,
    onWait: (state: { outbox: number; historyRows: number; expectedRows: number }) => void,
  ): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { outbox, expectedRows } = await this.pending();
      const historyRows = await this.historyRows();
      if (outbox === 0 && historyRows >= expectedRows) return true;
      if (Date.now() > deadline) return false;
      onWait({ outbox, historyRows, expectedRows });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }

  async audit(acknowledged: ReadonlyMap<string, string>, unacknowledged: ReadonlyMap<string, string>): Promise<AuditResult> {
    const members = (
      await this.members.query<{ id: string; nickname: string; version: number }>(
        'SELECT id, nickname, nickname_version AS version FROM member',
      )
    ).rows;
    const history = (
      await this.history.query<HistoryRow>(
        'SELECT member_id, version, previous_nickname, nickname FROM nickname_change ORDER BY member_id, version',
      )
    ).rows;
    const republished = (await this.members.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox_event WHERE attempts > 1')).rows[0]!
      .n;

    const recorded = new Map<string, string[]>();
    const byMember = new Map<string, HistoryRow[]>();
    for (const row of history) {
      recorded.set(row.nickname, [...(recorded.get(row.nickname) ?? []), row.member_id]);
      byMember.set(row.member_id, [...(byMember.get(row.member_id) ?? []), row]);
    }
    const lost: string[] = [];
    const duplicated: string[] = [];
    let exactlyOnce = 0;
    for (const [nickname, memberId] of acknowledged) {
      const holders = recorded.get(nickname) ?? [];
      if (holders.length === 0 || !holders.includes(memberId)) lost.push(nickname);
      else if (holders.length > 1) duplicated.push(nickname);
      else exactlyOnce += 1;
    }
    let unacknowledgedApplied = 0;
    for (const [nickname, memberId] of unacknowledged) {
      const holders = recorded.get(nickname) ?? [];
      if (holders.length > 1) duplicated.push(nickname);
      else if (holders[0] === memberId) unacknowledgedApplied += 1;
    }
    const brokenChains: string[] = [];
    for (const member of members) {
      const problems = chainProblems(byMember.get(member.id) ?? [], member);
      if (problems.length > 0) brokenChains.push(`${member.id}: ${problems.slice(0, 3).join('; ')}`);
    }
    return {
      acknowledged: acknowledged.size,
      exactlyOnce,
      lost,
      duplicated,
      unacknowledged: unacknowledged.size,
      unacknowledgedApplied,
      members: members.length,
      historyRows: history.length,
      expectedRows: members.reduce((sum, member) => sum + member.version, 0),
      brokenChains,
      republished,
    };
  }

  async close(): Promise<void> {
    await Promise.all([this.members.end(), this.history.end()]);
  }
}
