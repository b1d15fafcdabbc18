import { Kind } from 'graphql';
import { DateScalar, DateTimeScalar } from '../src/scalars.js';

describe('Date', () => {
  it('serialises a stored date as its calendar day, whatever the time zone', () => {
    expect(DateScalar.serialize(new Date('1990-05-17T00:00:00Z'))).toBe('1990-05-17');
  });
  it('passes a well-shaped value to the domain (calendar validity is a userError there)', () => {
    expect(DateScalar.parseValue('1990-02-30')).toBe('1990-02-30');
  });
  it.each(['17/05/1990', '1990-5-17', '1990-05-17T00:00:00Z', 19900517])('rejects %s', (value) => {
    expect(() => DateScalar.parseValue(value)).toThrow('Date must be');
  });
  it('rejects a non-string literal', () => {
    expect(() => DateScalar.parseLiteral({ kind: Kind.INT, value: '1990' })).toThrow('Date must be');
  });
});

describe('DateTime', () => {
  it('serialises in UTC with milliseconds', () => {
    expect(DateTimeScalar.serialize(new Date(Date.UTC(2026, 10, 21, 22, 12, 48, 123)))).toBe('2026-11-21T22:12:48.123Z');
  });
  it.each(['2026-11-21', '2026-11-21T22:12:48+09:00', 'yesterday'])('rejects %s', (value) => {
    expect(() => DateTimeScalar.parseValue(value)).toThrow('DateTime must be');
  });
});
