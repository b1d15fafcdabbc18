import type { EventFlow } from './event-flow.js';
import type { ChangeDriver } from './change-driver.js';

export interface HistoryCheck {
  members: number;
  entries: number;
  /** Problems found; empty means every chain is complete, unbroken and free of duplicates. */
  problems: string[];
}

/**
 * For every member: the history holds versions 1..current exactly once each, every entry's
 * previousNickname is the entry before it, the newest is the member's current nickname, every
 * acknowledged change is there, and every entry is an event members actually wrote.
 */
export async function checkHistories(flow: EventFlow, driver?: ChangeDriver): Promise<HistoryCheck> {
  const members = await flow.members.client.member.findMany({ select: { id: true, nickname: true, nicknameVersion: true } });
  const outboxIds = new Set((await flow.members.client.outboxEvent.findMany({ select: { id: true } })).map((row) => row.id));
  const rows = await flow.history.client.nicknameChange.findMany({ orderBy: [{ memberId: 'asc' }, { version: 'asc' }] });
  const byMember = new Map<string, typeof rows>();
  for (const row of rows) {
    if (!byMember.has(row.memberId)) byMember.set(row.memberId, []);
    byMember.get(row.memberId)!.push(row);
  }
  const problems: string[] = [];
  const report = (message: string) => {
    if (problems.length < 20) problems.push(message);
  };
  for (const member of members) {
    const chain = byMember.get(member.id) ?? [];
    if (chain.length !== member.nicknameVersion) report(`${member.id}: ${chain.length} entries for version ${member.nicknameVersion}`);
    chain.forEach((entry, index) => {
      if (entry.version !== index + 1) report(`${member.id}: entry ${index} has version ${entry.version}`);
      const expectedPrevious = index === 0 ? null : chain[index - 1]!.nickname;
      if (entry.previousNickname !== expectedPrevious) {
        report(`${member.id} v${entry.version}: previous ${entry.previousNickname} != ${expectedPrevious}`);
      }
      if (!outboxIds.has(entry.id)) report(`${member.id} v${entry.version}: event ${entry.id} was never written by members`);
    });
    if (chain.at(-1)?.nickname !== member.nickname) report(`${member.id}: newest ${chain.at(-1)?.nickname} != current ${member.nickname}`);
    const recorded = new Set(chain.map((entry) => entry.nickname));
    for (const nickname of driver?.acknowledgedByMember.get(member.id) ?? []) {
      if (!recorded.has(nickname)) report(`${member.id}: acknowledged change to ${nickname} is missing`);
    }
  }
  const known = new Set(members.map((member) => member.id));
  for (const memberId of byMember.keys()) if (!known.has(memberId)) report(`history for unknown member ${memberId}`);
  return { members: members.length, entries: rows.length, problems };
}
