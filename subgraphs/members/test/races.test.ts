import { createMembersTestDb, type MembersTestDb } from './support/database.js';
import { createTestServer, execute } from './support/server.js';
import { CHANGE_NICKNAME, CREATE_MEMBER, signUpInput, type ChangeNicknameData, type CreateMemberData } from './support/operations.js';
import type { MembersServer } from '../src/server.js';
import type { NicknameChanged } from '@mp/events';

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

const CONCURRENCY = 20;

describe('races are decided by the database', () => {
  it('concurrent sign-ups with one email create exactly one member; the rest get EMAIL_TAKEN', async () => {
    const email = 'race@example.com';
    const results = await Promise.all(
      Array.from({ length: CONCURRENCY }, (_, i) =>
        execute<CreateMemberData>(server, CREATE_MEMBER, { input: signUpInput({ email: i % 2 ? email : email.toUpperCase() }) }),
      ),
    );
    expect(results.flatMap((r) => r.errors ?? [])).toEqual([]);
    const winners = results.filter((r) => r.data!.createMember.member !== null);
    expect(winners).toHaveLength(1);
    const codes = results.flatMap((r) => r.data!.createMember.userErrors.map((e) => e.code));
    expect(codes).toEqual(Array(CONCURRENCY - 1).fill('EMAIL_TAKEN'));
    expect(await testDb.db.member.count({ where: { emailKey: email } })).toBe(1);
  });

  it('concurrent sign-ups with one nickname create exactly one member; the rest get NICKNAME_TAKEN', async () => {
    const results = await Promise.all(
      Array.from({ length: CONCURRENCY }, () =>
        execute<CreateMemberData>(server, CREATE_MEMBER, { input: signUpInput({ nickname: 'Racer' }) }),
      ),
    );
    expect(results.flatMap((r) => r.errors ?? [])).toEqual([]);
    expect(results.filter((r) => r.data!.createMember.member !== null)).toHaveLength(1);
    expect(results.flatMap((r) => r.data!.createMember.userErrors.map((e) => e.code))).toEqual(
      Array(CONCURRENCY - 1).fill('NICKNAME_TAKEN'),
    );
  });

  it('concurrent changes of one member serialise into one unbroken chain of events', async () => {
    const { data } = await execute<CreateMemberData>(server, CREATE_MEMBER, { input: signUpInput({ nickname: 'chain0' }) });
    const member = data!.createMember.member!;
    const results = await Promise.all(
      Array.from({ length: CONCURRENCY }, (_, i) =>
        execute<ChangeNicknameData>(server, CHANGE_NICKNAME, { input: { memberId: member.id, nickname: `chain${i + 1}` } }),
      ),
    );
    expect(results.flatMap((r) => r.errors ?? [])).toEqual([]);
    expect(results.every((r) => r.data!.changeNickname.userErrors.length === 0)).toBe(true);

    const events = (await testDb.db.outboxEvent.findMany({ where: { aggregateId: member.id } }))
      .map((row) => row.payload as unknown as NicknameChanged)
      .sort((a, b) => a.version - b.version);
    expect(events.map((e) => e.version)).toEqual(Array.from({ length: CONCURRENCY + 1 }, (_, i) => i + 1));
    events.forEach((event, i) => expect(event.previousNickname).toBe(i === 0 ? null : events[i - 1]!.nickname));
    const current = await testDb.db.member.findUniqueOrThrow({ where: { id: member.id } });
    expect(events.at(-1)!.nickname).toBe(current.nickname);
    // Each mutation reported the nickname it replaced: together they are the chain.
    const previous = results.map((r) => r.data!.changeNickname.previousNickname).sort();
    expect(previous).toEqual(
      events
        .slice(0, -1)
        .map((e) => e.nickname)
        .sort(),
    );
  });
});
