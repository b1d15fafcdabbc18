import { pino } from 'pino';
import { createMembersTestDb, type MembersTestDb } from './support/database.js';
import { createTestServer, execute } from './support/server.js';
import { CHANGE_NICKNAME, CREATE_MEMBER, signUpInput, type ChangeNicknameData, type CreateMemberData } from './support/operations.js';
import { backfillNicknameKeys, NICKNAME_KEY_VERSION } from '../src/data/nickname-key-backfill.js';
import { newId } from '../src/data/ids.js';
import { nicknameKey } from '../src/validation/index.js';
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

const signUp = (nickname: string) => execute<CreateMemberData>(server, CREATE_MEMBER, { input: signUpInput({ nickname }) });
const codes = (userErrors: { code: string }[] | undefined) => userErrors?.map((error) => error.code);

describe('look-alike nicknames', () => {
  it.each(['\u0430dmin', 'ＡＤＭＩＮ', '𝐚𝐝𝐦𝐢𝐧', 'adrnin'])('%s is taken once "admin" is, and nothing is stored', async (lookAlike) => {
    await signUp('admin');
    const before = await testDb.db.member.count();
    const { data } = await signUp(lookAlike);
    expect(data?.createMember.member).toBeNull();
    expect(codes(data?.createMember.userErrors)).toEqual(['NICKNAME_TAKEN']);
    expect(await testDb.db.member.count()).toBe(before);
  });

  it('cannot be taken by changing a nickname either', async () => {
    await signUp('paypal');
    const { data: other } = await signUp('someone');
    const memberId = other!.createMember.member!.id;
    const { data } = await execute<ChangeNicknameData>(server, CHANGE_NICKNAME, { input: { memberId, nickname: 'раураl' } });
    expect(codes(data?.changeNickname.userErrors)).toEqual(['NICKNAME_TAKEN']);
    expect((await testDb.db.member.findUniqueOrThrow({ where: { id: memberId } })).nickname).toBe('someone');
  });

  it('refuses a character with a stack of accents', async () => {
    const { data } = await signUp(`a${'\u0301'.repeat(199)}`);
    expect(codes(data?.createMember.userErrors)).toEqual(['NICKNAME_INVALID']);
  });
});

describe('re-keying members written under the case-folding rule', () => {
  /** A member as the previous release stored it: key = case-folded nickname, version 1. */
  const oldRow = (nickname: string) => ({
    id: newId(),
    email: `${newId()}@old.example`,
    emailKey: `${newId()}@old.example`,
    nickname,
    nicknameKey: nickname.toUpperCase().toLowerCase(),
    nicknameKeyVersion: 1,
    birthDate: new Date('1990-01-01'),
  });

  it('gives every old row the new key, oldest first; a newer look-alike gets a key of its own and both keep their nicknames', async () => {
    const older = oldRow('gl\u043Ebe'); // Cyrillic о: stored as distinct from "globe" before
    const newer = oldRow('GL0BE');
    const plain = oldRow('Rekeyed');
    // Accepted before; its new key (220 code points) would not fit the column.
    const expanding = oldRow('\uFDFA\u0334\u0335\u0336\u0337'.repeat(10));
    for (const row of [older, newer, plain, expanding]) await testDb.db.member.create({ data: row });
    const logs: { msg: string; memberId?: string; sameKeyAs?: string }[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line) as (typeof logs)[number]) });

    const result = await backfillNicknameKeys(testDb.db, logger);
    expect(result.collisions).toEqual([{ memberId: newer.id, nickname: 'GL0BE', sameKeyAs: older.id }]);

    const rows = await testDb.db.member.findMany({ where: { id: { in: [older.id, newer.id, plain.id] } } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(older.id)).toMatchObject({
      nickname: 'gl\u043Ebe',
      nicknameKey: nicknameKey('globe'),
      nicknameKeyVersion: NICKNAME_KEY_VERSION,
    });
    expect(byId.get(plain.id)).toMatchObject({ nicknameKey: nicknameKey('Rekeyed'), nicknameKeyVersion: NICKNAME_KEY_VERSION });
    expect(byId.get(newer.id)).toMatchObject({ nickname: 'GL0BE', nicknameKeyVersion: NICKNAME_KEY_VERSION });
    expect(byId.get(newer.id)!.nicknameKey).toMatch(/^\u0001/);
    expect(logs.filter((line) => line.memberId === newer.id && line.sameKeyAs === older.id)).toHaveLength(1);
    const kept = await testDb.db.member.findUniqueOrThrow({ where: { id: expanding.id } });
    expect(kept).toMatchObject({ nickname: expanding.nickname, nicknameKeyVersion: NICKNAME_KEY_VERSION });
    expect(kept.nicknameKey).toMatch(/^\u0001/);

    // Done once: a second start finds nothing to do.
    expect(await backfillNicknameKeys(testDb.db, logger)).toEqual({ rekeyed: 0, collisions: [] });
    // The look-alike is taken for newcomers, and the newer member can still move to a free nickname.
    const { data } = await signUp('globe');
    expect(codes(data?.createMember.userErrors)).toEqual(['NICKNAME_TAKEN']);
    const moved = await execute<ChangeNicknameData>(server, CHANGE_NICKNAME, { input: { memberId: newer.id, nickname: 'fresh one' } });
    expect(moved.data?.changeNickname.userErrors).toEqual([]);
  });
});
