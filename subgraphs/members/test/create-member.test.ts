import { createMembersTestDb, type MembersTestDb } from './support/database.js';
import { createTestServer, execute } from './support/server.js';
import { CREATE_MEMBER, signUpInput, type CreateMemberData } from './support/operations.js';
import type { MembersServer } from '../src/server.js';

let testDb: MembersTestDb;
let server: MembersServer;

beforeAll(async () => {
  testDb = await createMembersTestDb();
  ({ server } = await createTestServer(testDb.db, () => new Date('2026-11-21T12:00:00Z')));
});
afterAll(async () => {
  await server.close();
  await testDb.close();
});

const createMember = (input: Record<string, unknown>) => execute<CreateMemberData>(server, CREATE_MEMBER, { input });
const storedCounts = async () => ({
  members: await testDb.db.member.count(),
  events: await testDb.db.outboxEvent.count(),
});

describe('createMember', () => {
  it('stores the member with normalised values and its first NicknameChanged event', async () => {
    const { data, errors } = await createMember({ email: '  Mixed.Case@Example.com ', nickname: ' 홍길동 ', birthDate: '1990-02-28' });
    expect(errors).toBeUndefined();
    const member = data!.createMember.member!;
    expect(data!.createMember.userErrors).toEqual([]);
    expect(member).toMatchObject({ email: 'Mixed.Case@Example.com', nickname: '홍길동', birthDate: '1990-02-28' });
    expect(member.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(member.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    const events = await testDb.db.outboxEvent.findMany({ where: { aggregateId: member.id } });
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toMatchObject({
      type: 'NicknameChanged',
      memberId: member.id,
      version: 1,
      previousNickname: null,
      nickname: '홍길동',
      changedAt: member.createdAt,
    });
  });

  it('stores a Hangul nickname typed in decomposed form composed, and counts it the same', async () => {
    const decomposed = '홍길동전설'.normalize('NFD');
    const { data } = await createMember(signUpInput({ nickname: decomposed }));
    expect(data!.createMember.member!.nickname).toBe('홍길동전설'.normalize('NFC'));
  });

  it('accepts ten emoji families as ten characters and stores all of them', async () => {
    const nickname = '👨‍👩‍👧'.repeat(10);
    const { data } = await createMember(signUpInput({ nickname }));
    expect(data!.createMember.userErrors).toEqual([]);
    expect(data!.createMember.member!.nickname).toBe(nickname);
  });

  it.each([
    ['email', { email: 'not-an-email' }, 'EMAIL_INVALID', ['input', 'email']],
    ['email over 254 characters', { email: `${'a'.repeat(64)}@${'b'.repeat(186)}.com` }, 'EMAIL_INVALID', ['input', 'email']],
    ['empty nickname', { nickname: '   ' }, 'NICKNAME_EMPTY', ['input', 'nickname']],
    ['11-character nickname', { nickname: 'abcdefghijk' }, 'NICKNAME_TOO_LONG', ['input', 'nickname']],
    ['zero-width space', { nickname: 'ab\u200Bcd' }, 'NICKNAME_INVALID', ['input', 'nickname']],
    ['right-to-left override', { nickname: 'ab\u202Ecd' }, 'NICKNAME_INVALID', ['input', 'nickname']],
    ['newline', { nickname: 'ab\ncd' }, 'NICKNAME_INVALID', ['input', 'nickname']],
    ['30 February', { birthDate: '1990-02-30' }, 'BIRTH_DATE_INVALID', ['input', 'birthDate']],
    ['29 February of a common year', { birthDate: '2023-02-29' }, 'BIRTH_DATE_INVALID', ['input', 'birthDate']],
    ['before 1900', { birthDate: '1899-12-31' }, 'BIRTH_DATE_INVALID', ['input', 'birthDate']],
    ['in the future everywhere', { birthDate: '2026-11-23' }, 'BIRTH_DATE_INVALID', ['input', 'birthDate']],
  ])('rejects %s with a userError and stores nothing', async (_case, override, code, field) => {
    const before = await storedCounts();
    const { data, errors } = await createMember(signUpInput(override));
    expect(errors).toBeUndefined();
    expect(data!.createMember.member).toBeNull();
    expect(data!.createMember.userErrors).toEqual([expect.objectContaining({ code, field })]);
    expect(await storedCounts()).toEqual(before);
  });

  it('accepts a birth date that is already today somewhere on Earth', async () => {
    // At 12:00 UTC on 21 November it is already 22 November in UTC+14.
    const { data } = await createMember(signUpInput({ birthDate: '2026-11-22' }));
    expect(data!.createMember.userErrors).toEqual([]);
  });

  it('reports every invalid field at once', async () => {
    const { data } = await createMember({ email: 'x', nickname: '', birthDate: '2023-02-29' });
    expect(data!.createMember.userErrors.map((e) => e.code).sort()).toEqual(['BIRTH_DATE_INVALID', 'EMAIL_INVALID', 'NICKNAME_EMPTY']);
  });

  it('rejects a malformed date shape as a GraphQL input error', async () => {
    const { data, errors } = await createMember(signUpInput({ birthDate: '17/05/1990' }));
    expect(data).toBeUndefined();
    expect(errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('treats emails and nicknames as taken case-insensitively', async () => {
    const first = signUpInput({ nickname: 'CaseTest' });
    await createMember(first);
    const before = await storedCounts();

    const sameEmail = await createMember(signUpInput({ email: first.email.toUpperCase() }));
    expect(sameEmail.data!.createMember.userErrors).toEqual([expect.objectContaining({ code: 'EMAIL_TAKEN', field: ['input', 'email'] })]);

    const sameNickname = await createMember(signUpInput({ nickname: 'casetest' }));
    expect(sameNickname.data!.createMember.userErrors).toEqual([
      expect.objectContaining({ code: 'NICKNAME_TAKEN', field: ['input', 'nickname'] }),
    ]);
    expect(await storedCounts()).toEqual(before);
  });
});
