import { waitFor } from '@mp/testkit';
import { TestSystem } from './support/system.js';
import {
  CHANGE_NICKNAME,
  CREATE_MEMBER,
  MEMBER_WITH_HISTORY,
  signUpInput,
  type ChangeNicknameData,
  type CreateMemberData,
  type MemberWithHistory,
} from './support/operations.js';

let system: TestSystem;

beforeAll(async () => {
  system = await TestSystem.start('postgres');
});
afterAll(async () => {
  await system.close();
});

it('keeps serving members and accepting changes while nickname-history is down, and catches up after', async () => {
  const { data } = await system.query<CreateMemberData>(CREATE_MEMBER, { input: { ...signUpInput(), nickname: 'out-0' } });
  const id = data!.createMember.member!.id;
  await system.drained();

  await system.stopHistory();

  const during = await system.query<MemberWithHistory>(MEMBER_WITH_HISTORY, { id });
  expect(during.data!.member).toMatchObject({ id, nickname: 'out-0', nicknameHistory: null });
  // The gateway reports a failed subgraph fetch without a path; the null field shows where.
  expect(during.errors).toEqual([
    {
      message: 'The nickname-history service is unavailable',
      extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'nickname-history' },
    },
  ]);
  expect(JSON.stringify(during.errors)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|fetch failed/);

  for (const nickname of ['out-1', 'out-2', 'out-3']) {
    const change = await system.query<ChangeNicknameData>(CHANGE_NICKNAME, { input: { memberId: id, nickname } });
    expect(change.data!.changeNickname.userErrors).toEqual([]);
  }
  // The relay has tried to deliver the changes and keeps them while it cannot.
  const tried = await waitFor(
    'a failed delivery attempt recorded on each of the three changes',
    () => system.members.client.outboxEvent.findMany({ where: { publishedAt: null } }),
    (rows) => rows.length === 3 && rows.every((row) => row.attempts > 0 && row.lastError !== null),
  );
  expect(tried).toHaveLength(3);

  await system.startHistory();
  await system.drained();

  const after = await system.query<MemberWithHistory>(MEMBER_WITH_HISTORY, { id });
  expect(after.errors).toBeUndefined();
  expect(after.data!.member!.nicknameHistory!.edges.map((e) => e.node.nickname)).toEqual(['out-3', 'out-2', 'out-1', 'out-0']);
});
