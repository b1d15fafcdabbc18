import { inSync, planRepairs, type DriftedMember, type OutboxEntry } from '../src/plan.js';

const NOW = new Date('2026-11-22T12:00:00.000Z');
const GRACE_MS = 60_000;
const MEMBER = '01a2030f-1f0a-701f-805f-a7bf434f33ab';

const drifted = (version: number, nickname: string, recorded: [number, string][]): DriftedMember => {
  const history = new Map(recorded);
  const newest = Math.max(0, ...history.keys());
  return {
    member: { id: MEMBER, nickname, version },
    summary: history.size === 0 ? undefined : { entries: history.size, newestVersion: newest, newestNickname: history.get(newest)! },
    recorded: history,
  };
};
const row = (version: number, publishedAt: Date | null): OutboxEntry => ({ id: `row-${version}`, memberId: MEMBER, version, publishedAt });
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

describe('inSync', () => {
  it('holds only when the history has every version and its newest entry is the current nickname', () => {
    const member = { id: MEMBER, nickname: 'b', version: 2 };
    expect(inSync(member, { entries: 2, newestVersion: 2, newestNickname: 'b' })).toBe(true);
    expect(inSync(member, { entries: 1, newestVersion: 2, newestNickname: 'b' })).toBe(false); // a gap
    expect(inSync(member, { entries: 2, newestVersion: 2, newestNickname: 'x' })).toBe(false);
    expect(inSync(member, undefined)).toBe(false);
  });
});

describe('planRepairs', () => {
  it('re-publishes a missing version from its retained outbox row', () => {
    const plan = planRepairs([drifted(2, 'b', [[1, 'a']])], [row(1, minutesAgo(10)), row(2, minutesAgo(10))], NOW, GRACE_MS);
    expect(plan.republish).toEqual(['row-2']);
    expect(plan.synthesize).toEqual([]);
    expect(plan.drift).toEqual([expect.objectContaining({ missingVersions: [2], action: 'republished', unrecoverableVersions: [] })]);
  });

  it('counts a row not yet published, or published within the grace time, as in flight', () => {
    for (const publishedAt of [null, minutesAgo(0.5)]) {
      const plan = planRepairs([drifted(2, 'b', [[1, 'a']])], [row(2, publishedAt)], NOW, GRACE_MS);
      expect(plan.republish).toEqual([]);
      expect(plan.drift[0]).toMatchObject({ action: 'in-flight', missingVersions: [2] });
    }
  });

  it('announces the current version anew when its row was pruned, chained to the recorded one before it', () => {
    const plan = planRepairs(
      [
        drifted(3, 'c', [
          [1, 'a'],
          [2, 'b'],
        ]),
      ],
      [],
      NOW,
      GRACE_MS,
    );
    expect(plan.synthesize).toEqual([{ memberId: MEMBER, version: 3, previousNickname: 'b', nickname: 'c', changedAt: NOW }]);
    expect(plan.drift[0]).toMatchObject({ action: 'republished' });
  });

  it('reports older versions whose rows were pruned as unrecoverable, and still repairs what it can', () => {
    const plan = planRepairs([drifted(3, 'c', [[1, 'a']])], [], NOW, GRACE_MS);
    expect(plan.synthesize.map((change) => change.version)).toEqual([3]);
    expect(plan.drift[0]).toMatchObject({ action: 'partly-unrecoverable', missingVersions: [2, 3], unrecoverableVersions: [2] });
  });

  it('leaves a conflict (history ahead of members, or disagreeing on the current version) to an operator', () => {
    const ahead = planRepairs(
      [
        drifted(1, 'a', [
          [1, 'a'],
          [2, 'b'],
        ]),
      ],
      [],
      NOW,
      GRACE_MS,
    );
    const disagreeing = planRepairs(
      [
        drifted(2, 'b', [
          [1, 'a'],
          [2, 'x'],
        ]),
      ],
      [row(2, minutesAgo(10))],
      NOW,
      GRACE_MS,
    );
    for (const plan of [ahead, disagreeing]) {
      expect(plan.republish).toEqual([]);
      expect(plan.synthesize).toEqual([]);
      expect(plan.drift[0]!.action).toBe('conflict');
    }
  });

  it('announces a sign-up the history never got with no previous nickname', () => {
    const plan = planRepairs([drifted(1, 'a', [])], [], NOW, GRACE_MS);
    expect(plan.synthesize).toEqual([{ memberId: MEMBER, version: 1, previousNickname: null, nickname: 'a', changedAt: NOW }]);
  });
});
