import { TestSystem } from './support/system.js';
import {
  CHANGE_NICKNAME,
  CREATE_MEMBER,
  MEMBER_WITH_HISTORY,
  signUpInput,
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

const MEMBERS = 12;
const CHANGES_PER_MEMBER = 8;

it('once the outbox is drained, every history ends at the current nickname and is one unbroken chain', async () => {
  const ids: string[] = [];
  for (let i = 0; i < MEMBERS; i += 1) {
    const { data } = await system.query<CreateMemberData>(CREATE_MEMBER, { input: signUpInput('inv') });
    ids.push(data!.createMember.member!.id);
  }
  // Every member's changes race each other and the other members' changes.
  await Promise.all(
    ids.flatMap((id, m) =>
      Array.from({ length: CHANGES_PER_MEMBER }, (_, c) =>
        system.query(CHANGE_NICKNAME, { input: { memberId: id, nickname: `i${m}c${c}` } }),
      ),
    ),
  );
  await system.drained();

  for (const id of ids) {
    const { data, errors } = await system.query<MemberWithHistory>(MEMBER_WITH_HISTORY, { id });
    expect(errors).toBeUndefined();
    const member = data!.member!;
    const chain = member.nicknameHistory!.edges.map((edge) => edge.node).reverse();
    expect(chain).toHaveLength(CHANGES_PER_MEMBER + 1);
    expect(chain.at(-1)!.nickname).toBe(member.nickname);
    chain.forEach((entry, i) => expect(entry.previousNickname).toBe(i === 0 ? null : chain[i - 1]!.nickname));
    expect(new Set(chain.map((entry) => entry.id)).size).toBe(chain.length);
  }
});
