import { TestSystem } from './support/system.js';
import { CHANGE_NICKNAME, CREATE_MEMBER, PAGE_WITH_HISTORY, signUpInput, type CreateMemberData } from './support/operations.js';

let system: TestSystem;

beforeAll(async () => {
  system = await TestSystem.start('postgres');
  for (let i = 0; i < 50; i += 1) {
    const { data } = await system.query<CreateMemberData>(CREATE_MEMBER, { input: signUpInput('sql') });
    const id = data!.createMember.member!.id;
    for (let c = 0; c < i % 8; c += 1) {
      await system.query(CHANGE_NICKNAME, { input: { memberId: id, nickname: `s${i}c${c}` } });
    }
  }
  await system.drained();
  // The relay's polling would add its own statements to the members count.
  await system.relay.stop();
});
afterAll(async () => {
  await system.close();
});

interface PageData {
  members: { edges: { node: { nickname: string; nicknameHistory: { totalCount: number; edges: unknown[] } } }[] };
}

async function statementsFor(first: number) {
  system.members.statements.length = 0;
  system.history.statements.length = 0;
  const { data, errors } = await system.query<PageData>(PAGE_WITH_HISTORY, { first });
  expect(errors).toBeUndefined();
  expect(data!.members.edges).toHaveLength(first);
  for (const { node } of data!.members.edges) {
    expect(node.nicknameHistory.edges.length).toBe(Math.min(5, node.nicknameHistory.totalCount));
  }
  return { members: system.members.statements.length, history: system.history.statements.length };
}

it('costs the same number of SQL statements for a page of 1, 10 or 50 members', async () => {
  const counts = { 1: await statementsFor(1), 10: await statementsFor(10), 50: await statementsFor(50) };
  console.log(`SQL statements per page: ${JSON.stringify(counts)}`);
  expect(counts[1]).toEqual({ members: 1, history: 2 });
  expect(counts[10]).toEqual(counts[1]);
  expect(counts[50]).toEqual(counts[1]);
});
