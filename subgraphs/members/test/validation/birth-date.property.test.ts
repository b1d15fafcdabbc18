import fc from 'fast-check';
import { validateBirthDate } from '../../src/validation/index.js';

const FIELD = ['input', 'birthDate'];
const DAY_MS = 24 * 60 * 60 * 1000;
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Oracle via Date's UTC calendar: a real date round-trips through setUTCFullYear (which, unlike Date.UTC, keeps years 0-99). */
function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Oracle for "not in the future": that day has begun in UTC+14, i.e. its midnight there is at or before now. */
function hasBegunSomewhere(year: number, month: number, day: number, now: Date): boolean {
  const midnight = new Date(0);
  midnight.setUTCFullYear(year, month - 1, day);
  return midnight.getTime() - 14 * 60 * 60 * 1000 <= now.getTime();
}

const now = fc.date({ min: new Date('1899-06-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true });
const anyParts = fc.record({
  year: fc.integer({ min: 0, max: 9999 }),
  month: fc.integer({ min: 0, max: 13 }),
  day: fc.integer({ min: 0, max: 32 }),
});
// Parts near a given instant, to exercise the "today somewhere on Earth" boundary densely.
const partsNear = (instant: Date): fc.Arbitrary<{ year: number; month: number; day: number }> =>
  fc.integer({ min: -3 * DAY_MS, max: 3 * DAY_MS }).map((offset) => {
    const d = new Date(instant.getTime() + offset);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  });

describe('validateBirthDate properties', () => {
  it('accepts a YYYY-MM-DD string exactly when it is a real date from 1900-01-01 that has begun in UTC+14', () => {
    fc.assert(
      fc.property(
        now.chain((instant) => fc.tuple(fc.constant(instant), fc.oneof(anyParts, partsNear(instant)))),
        ([instant, { year, month, day }]) => {
          const raw = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
          const result = validateBirthDate(raw, FIELD, instant);
          const expected = isRealDate(year, month, day) && raw >= '1900-01-01' && hasBegunSomewhere(year, month, day, instant);
          expect(result.ok).toBe(expected);
          if (result.ok) expect(result.value).toBe(raw);
          else expect(result.error.code).toBe('BIRTH_DATE_INVALID');
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('never accepts anything that is not exactly YYYY-MM-DD', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 14 }), (raw) => {
        const result = validateBirthDate(raw, FIELD, new Date('2024-01-01T00:00:00Z'));
        if (result.ok) expect(raw).toMatch(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/);
      }),
    );
  });
});
