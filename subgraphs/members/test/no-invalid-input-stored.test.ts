import fc from 'fast-check';
import { createMembersTestDb, type MembersTestDb } from './support/database.js';
import { createTestServer, execute } from './support/server.js';
import { CREATE_MEMBER, type CreateMemberData } from './support/operations.js';
import { validateBirthDate, validateEmail, validateNickname } from '../src/validation/index.js';
import type { MembersServer } from '../src/server.js';

let testDb: MembersTestDb;
let server: MembersServer;
const NOW = new Date('2026-11-21T12:00:00Z');

beforeAll(async () => {
  testDb = await createMembersTestDb();
  ({ server } = await createTestServer(testDb.db, () => NOW));
});
afterAll(async () => {
  await server.close();
  await testDb.close();
});

const nasty = fc.constantFrom('\u200B', '\u202E', '\n', '\u0000', '\u2028', '\uFEFF', '\u200D', '\u0301', '👨‍👩‍👧', '홍', ' ', 'A', 'a');
const nickname = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 14 }),
  fc.string({ unit: fc.oneof(nasty, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 14 }),
);
const email = fc.oneof(
  fc.emailAddress(),
  fc.string({ maxLength: 30 }),
  fc.emailAddress().map((e) => ` ${e.toUpperCase()} `),
);
const birthDate = fc
  .tuple(fc.integer({ min: 1890, max: 2030 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
  .map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);

describe('property: no invalid input is ever stored', () => {
  it('stores a member only when every field is valid, and only normalised values', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.record({ email, nickname, birthDate }), async (input) => {
        const { data, errors } = await execute<CreateMemberData>(server, CREATE_MEMBER, { input });
        expect(errors).toBeUndefined();
        const { member, userErrors } = data!.createMember;
        const valid =
          validateEmail(input.email, []).ok && validateNickname(input.nickname, []).ok && validateBirthDate(input.birthDate, [], NOW).ok;
        if (member) accepted += 1;
        // Taken values are the only legitimate refusal of valid input.
        if (valid) expect(member !== null || userErrors.every((e) => e.code.endsWith('_TAKEN'))).toBe(true);
        else expect(member).toBeNull();
      }),
      { numRuns: 150 },
    );
    const stored = await testDb.db.member.findMany();
    expect(stored).toHaveLength(accepted);
    for (const row of stored) {
      const nick = validateNickname(row.nickname, []);
      expect(nick.ok && nick.value.nickname === row.nickname && nick.value.key === row.nicknameKey).toBe(true);
      const mail = validateEmail(row.email, []);
      expect(mail.ok && mail.value.email === row.email && mail.value.key === row.emailKey).toBe(true);
      expect(validateBirthDate(row.birthDate.toISOString().slice(0, 10), [], NOW).ok).toBe(true);
    }
  });
});
