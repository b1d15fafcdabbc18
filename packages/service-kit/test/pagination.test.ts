import { decodeCursor, encodeCursor, pageSize } from '../src/pagination.js';
import { BadUserInputError } from '../src/errors.js';

const isDigits = (value: string) => /^\d+$/.test(value);

describe('pageSize', () => {
  it.each([
    [undefined, 20],
    [null, 20],
    [1, 1],
    [100, 100],
  ])('accepts %s as %d', (first, expected) => {
    expect(pageSize(first)).toBe(expected);
  });
  it.each([0, -1, 101, 1.5])('rejects %d with BAD_USER_INPUT', (first) => {
    expect(() => pageSize(first)).toThrow(BadUserInputError);
    expect(() => pageSize(first)).toThrow('first must be between 1 and 100');
  });
});

describe('cursors', () => {
  it('round-trips and stays opaque', () => {
    const cursor = encodeCursor('thing', '42');
    expect(cursor).not.toContain('42');
    expect(decodeCursor('thing', cursor, isDigits)).toBe('42');
  });
  it.each([
    ['another kind', encodeCursor('other', '42')],
    ['an invalid value', encodeCursor('thing', 'x')],
    ['non-base64url text', '!!!'],
    ['a non-canonical encoding', `${encodeCursor('thing', '42')}=`],
  ])('rejects %s', (_case, cursor) => {
    expect(() => decodeCursor('thing', cursor, isDigits)).toThrow('after is not a valid cursor');
  });
});
