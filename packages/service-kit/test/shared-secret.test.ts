import { secretMatches } from '../src/shared-secret.js';

describe('secretMatches', () => {
  const secret = 'a-long-enough-shared-secret-0123456789';
  it.each([
    [secret, true],
    [`${secret}x`, false],
    [secret.slice(0, -1), false],
    ['', false],
    [undefined, false],
  ])('%s -> %s', (presented, expected) => {
    expect(secretMatches(presented, secret)).toBe(expected);
  });
});
