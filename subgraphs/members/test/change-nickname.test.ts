import { createMembersTestDb, type MembersTestDb } from './support/database.js';
import { createTestServer, execute } from './support/server.js';
import { CHANGE_NICKNAME, CREATE_MEMBER, signUpInput, type ChangeNicknameData, type CreateMemberData } from './support/operations.js';
import type { MembersServer } from '../src/server.js';

let testDb: MembersTestDb;
let server: MembersServer;

beforeAll(async () => {
  testDb = await createMembersTestDb();
  ({ server } = await createTestServer(testDb.db));
});
afterAll(async () => {
  await server.close();
  await testDb.close();
});

const signUp = async (nickname?: string) => {
  const { data } = await execute<CreateMemberData>(server, CREATE_MEMBER, { input: signUpInput(nickname ? { nickname } : {}) });
  return data!.createMember.member!;
};
const changeNickname = (memberId: string, nickname: string) =>
  execute<ChangeNicknameData>(server, CHANGE_NICKNAME, { input: { memberId, nickname } });
const eventsOf = (memberId: string) => testDb.db.outboxEvent.findMany({ where: { aggregateId: memberId }, orderBy: { createdAt: 'asc' } });

describe('changeNickname', () => {
  it('changes the nickname, returns the previous one and writes the next event in the chain', async () => {
    const member = await signUp('before');
    const { data, errors } = await changeNickname(member.id, ' after ');
    expect(errors).toBeUndefined();
    expect(data!.changeNickname).toEqual({
      member: { ...member, nickname: 'after' },
      previousNickname: 'before',
      userErrors: [],
    });
    const payloads = (await eventsOf(member.id)).map((event) => event.payload);
    expect(payloads).toEqual([
      expect.objectContaining({ version: 1, previousNickname: null, nickname: 'before' }),
      expect.objectContaining({ version: 2, previousNickname: 'before', nickname: 'after' }),
    ]);
  });

  it('allows a change of case only', async () => {
    const member = await signUp('casey');
    const { data } = await changeNickname(member.id, 'Casey');
    expect(data!.changeNickname.userErrors).toEqual([]);
    expect(data!.changeNickname.member!.nickname).toBe('Casey');
  });

  it('answers NICKNAME_UNCHANGED for the current nickname and writes no event', async () => {
    const member = await signUp('same');
    const { data } = await changeNickname(member.id, '  same ');
    expect(data!.changeNickname).toEqual({
      member: null,
      previousNickname: null,
      userErrors: [expect.objectContaining({ code: 'NICKNAME_UNCHANGED', field: ['input', 'nickname'] })],
    });
    expect(await eventsOf(member.id)).toHaveLength(1);
  });

  it.each([
    ['an unknown id', '01936f3e-0000-7000-8000-000000000000'],
    ['a malformed id', 'not-a-uuid'],
  ])('answers MEMBER_NOT_FOUND for %s', async (_case, memberId) => {
    const { data, errors } = await changeNickname(memberId, 'whoever');
    expect(errors).toBeUndefined();
    expect(data!.changeNickname.userErrors).toEqual([expect.objectContaining({ code: 'MEMBER_NOT_FOUND', field: ['input', 'memberId'] })]);
  });

  it('answers NICKNAME_TAKEN (case-insensitively) and changes nothing', async () => {
    await signUp('Taken');
    const member = await signUp('mine');
    const { data } = await changeNickname(member.id, 'TAKEN');
    expect(data!.changeNickname.userErrors).toEqual([expect.objectContaining({ code: 'NICKNAME_TAKEN' })]);
    expect((await testDb.db.member.findUniqueOrThrow({ where: { id: member.id } })).nickname).toBe('mine');
    expect(await eventsOf(member.id)).toHaveLength(1);
  });

  it.each([
    ['empty', '', 'NICKNAME_EMPTY'],
    ['too long', '가나다라마바사아자차카', 'NICKNAME_TOO_LONG'],
    ['with a control character', 'a\u0007b', 'NICKNAME_INVALID'],
  ])('rejects an %s nickname and changes nothing', async (_case, nickname, code) => {
    const member = await signUp();
    const { data } = await changeNickname(member.id, nickname);
    expect(data!.changeNickname.userErrors).toEqual([expect.objectContaining({ code })]);
    expect((await testDb.db.member.findUniqueOrThrow({ where: { id: member.id } })).nickname).toBe(member.nickname);
    expect(await eventsOf(member.id)).toHaveLength(1);
  });
});
