import { identityAssertions, readIdentity } from '../src/index.js';

const SECRET = 'identity-assertions-test-secret-0123456789';

it('signs one assertion per caller and reuses it, a valid one, for the same subject and scopes', async () => {
  const assert = identityAssertions(SECRET);
  const alice = { subject: 'alice', scopes: ['members:read'] };
  const first = await assert(alice);
  expect(await assert({ ...alice })).toBe(first);
  await expect(readIdentity(first, SECRET)).resolves.toEqual(alice);
  expect(await assert({ subject: 'alice', scopes: [] })).not.toBe(first);
  expect(await assert({ subject: 'bob', scopes: ['members:read'] })).not.toBe(first);
});
