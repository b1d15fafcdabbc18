import { latestBirthDate, validateBirthDate } from '../../src/validation/index.js';

const FIELD = ['input', 'birthDate'];
const NOW = new Date('2024-06-15T12:00:00Z');

function rejection(raw: string, now: Date = NOW): string {
  const result = validateBirthDate(raw, FIELD, now);
  if (result.ok) throw new Error(`expected ${raw} to be rejected`);
  expect(result.error.code).toBe('BIRTH_DATE_INVALID');
  expect(result.error.field).toEqual(FIELD);
  return result.error.message;
}

describe('validateBirthDate', () => {
  it.each(['1990-01-31', '2024-02-29', '2000-02-29', '1999-12-31', '1990-04-30'])('accepts %s', (raw) => {
    expect(validateBirthDate(raw, FIELD, NOW)).toEqual({ ok: true, value: raw });
  });

  it.each([
    '1990-1-01',
    '90-01-01',
    '1990/01/01',
    '19900101',
    ' 1990-01-01',
    '1990-01-01 ',
    '1990-01-01\n',
    '1990-01-01T00:00:00Z',
    '+01990-01-01',
    '１９９０-01-01',
    '',
    'yesterday',
  ])('rejects malformed %j', (raw) => {
    expect(rejection(raw)).toMatch(/YYYY-MM-DD/);
  });

  it.each(['1990-02-30', '2023-02-29', '1900-02-29', '2100-02-29', '2023-13-01', '2023-00-10', '2023-04-31', '2023-01-00', '2023-01-32'])(
    'rejects impossible calendar date %s',
    (raw) => {
      expect(rejection(raw)).toMatch(/calendar/);
    },
  );

  it('rejects dates before 1900-01-01 and accepts that day', () => {
    expect(validateBirthDate('1900-01-01', FIELD, NOW).ok).toBe(true);
    expect(rejection('1899-12-31')).toMatch(/1900-01-01/);
    expect(rejection('0000-01-01')).toMatch(/1900-01-01/);
  });

  describe('future dates: the latest valid date is today in UTC+14', () => {
    it('allows tomorrow (UTC) once it is already tomorrow in UTC+14', () => {
      // 10:00 UTC on the 15th is midnight of the 16th in Kiribati (UTC+14).
      const now = new Date('2024-06-15T10:00:00.000Z');
      expect(latestBirthDate(now)).toBe('2024-06-16');
      expect(validateBirthDate('2024-06-16', FIELD, now).ok).toBe(true);
      expect(rejection('2024-06-17', now)).toMatch(/future/);
    });

    it('rejects tomorrow (UTC) one millisecond before it starts in UTC+14', () => {
      const now = new Date('2024-06-15T09:59:59.999Z');
      expect(latestBirthDate(now)).toBe('2024-06-15');
      expect(validateBirthDate('2024-06-15', FIELD, now).ok).toBe(true);
      expect(rejection('2024-06-16', now)).toMatch(/future/);
    });

    it('handles year and leap-day boundaries', () => {
      expect(latestBirthDate(new Date('2023-12-31T10:00:00Z'))).toBe('2024-01-01');
      expect(validateBirthDate('2024-01-01', FIELD, new Date('2023-12-31T10:00:00Z')).ok).toBe(true);
      expect(rejection('2024-01-01', new Date('2023-12-31T09:59:59Z'))).toMatch(/future/);
      expect(validateBirthDate('2024-02-29', FIELD, new Date('2024-02-28T10:00:00Z')).ok).toBe(true);
    });

    it('rejects far-future dates', () => {
      expect(rejection('2999-01-01')).toMatch(/future/);
    });

    it('does not depend on the host time zone', () => {
      // Same instant, whatever TZ the process runs in (tests are also run under Pacific/Kiritimati and
      // Pacific/Pago_Pago): local dates differ by a day there, the result must not.
      const now = new Date(Date.UTC(2024, 5, 15, 23, 30));
      expect(latestBirthDate(now)).toBe('2024-06-16');
      expect(rejection('2024-06-17', now)).toMatch(/future/);
    });
  });

  it('throws on an invalid clock value (a programming error, not a user error)', () => {
    expect(() => validateBirthDate('1990-01-01', FIELD, new Date(Number.NaN))).toThrow(RangeError);
  });

  it('explains each reason with a different message', () => {
    const messages = new Set([rejection('1990-1-1'), rejection('1990-02-30'), rejection('1899-01-01'), rejection('2030-01-01')]);
    expect(messages.size).toBe(4);
  });
});
