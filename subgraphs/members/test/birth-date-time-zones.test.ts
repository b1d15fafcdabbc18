import { createMembersTestDb, type MembersTestDb } from './support/database.js';
import { createTestServer, execute } from './support/server.js';
import { CREATE_MEMBER, signUpInput, type CreateMemberData } from './support/operations.js';
import type { MembersServer } from '../src/server.js';

// A date has no time zone: the string stored is the string served, wherever the server runs.
const ZONES = ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'America/Los_Angeles', 'Asia/Seoul', 'UTC'];

let testDb: MembersTestDb;
let server: MembersServer;
const originalTz = process.env['TZ'];

beforeAll(async () => {
  testDb = await createMembersTestDb();
  ({ server } = await createTestServer(testDb.db));
});
afterAll(async () => {
  process.env['TZ'] = originalTz;
  await server.close();
  await testDb.close();
});

it.each(ZONES)('stores and serves birth dates unchanged with TZ=%s', async (zone) => {
  process.env['TZ'] = zone;
  for (const birthDate of ['2000-01-01', '1999-12-31', '1900-01-01']) {
    const created = await execute<CreateMemberData>(server, CREATE_MEMBER, { input: signUpInput({ birthDate }) });
    const member = created.data!.createMember.member!;
    expect(member.birthDate).toBe(birthDate);
    const read = await execute<{ member: { birthDate: string } }>(server, 'query($id: ID!) { member(id: $id) { birthDate } }', {
      id: member.id,
    });
    expect(read.data!.member.birthDate).toBe(birthDate);
    const [row] = await testDb.db.$queryRaw<{ birth_date: string }[]>`SELECT birth_date::text FROM member WHERE id = ${member.id}::uuid`;
    expect(row!.birth_date).toBe(birthDate);
  }
});
