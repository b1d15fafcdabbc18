import { jest } from '@jest/globals';
import { identityReader, signIdentity } from '../src/index.js';

const SECRET = 'identity-reader-test-secret-0123456789ab';
const alice = { subject: 'alice', scopes: ['members:read'] };

afterEach(() => jest.useRealTimers());

it('verifies an assertion once and believes it again only until its own expiry', async () => {
  jest.useFakeTimers({ now: Date.now(), doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  const read = identityReader(SECRET);
  const header = await signIdentity(alice, SECRET, 2);
  await expect(read(header)).resolves.toEqual(alice);
  await expect(read(header)).resolves.toEqual(alice);
  jest.setSystemTime(Date.now() + 3_000);
  await expect(read(header)).rejects.toThrow(/exp/);
});

it('refuses a forged assertion every time, and reads no header as anonymous', async () => {
  const read = identityReader(SECRET);
  const forged = await signIdentity({ subject: 'mallory', scopes: ['members:admin'] }, 'not-the-gateway-secret-0123456789abcdef');
  await expect(read(forged)).rejects.toThrow();
  await expect(read(forged)).rejects.toThrow();
  await expect(read(undefined)).resolves.toBeNull();
});

it('reads an assertion right again after the bound has forgotten it', async () => {
  const read = identityReader(SECRET, 2);
  const headers = await Promise.all(['a', 'b', 'c'].map((subject) => signIdentity({ subject, scopes: [] }, SECRET)));
  for (const header of headers) await read(header);
  // Still read correctly after being forgotten: verified again.
  await expect(read(headers[0])).resolves.toEqual({ subject: 'a', scopes: [] });
});
