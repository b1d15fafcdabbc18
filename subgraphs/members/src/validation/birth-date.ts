import { invalid, valid, type Validation } from './user-error.js';

export const BIRTH_DATE_MIN = '1900-01-01';

/** UTC+14 (Line Islands) is the earliest time zone: once it is past midnight there, that date exists somewhere. */
const EARLIEST_ZONE_OFFSET_MS = 14 * 60 * 60 * 1000;

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Latest date that is "today" somewhere on Earth at `now`, as YYYY-MM-DD. Uses UTC arithmetic only, never the host zone. */
export function latestBirthDate(now: Date): string {
  const ms = now.getTime();
  if (Number.isNaN(ms)) throw new RangeError('latestBirthDate: `now` is an invalid Date');
  return new Date(ms + EARLIEST_ZONE_OFFSET_MS).toISOString().slice(0, 10);
}

export function validateBirthDate(raw: string, field: string[], now: Date): Validation<string> {
  const match = DATE_PATTERN.exec(raw);
  if (!match) {
    return invalid('BIRTH_DATE_INVALID', field, 'Birth date must be written as YYYY-MM-DD.');
  }
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return invalid('BIRTH_DATE_INVALID', field, `Birth date ${raw} is not a real calendar date.`);
  }
  // Zero-padded, fixed-width dates compare correctly as strings, which avoids Date and time zones entirely.
  if (raw < BIRTH_DATE_MIN) {
    return invalid('BIRTH_DATE_INVALID', field, `Birth date must not be before ${BIRTH_DATE_MIN}.`);
  }
  if (raw > latestBirthDate(now)) {
    return invalid('BIRTH_DATE_INVALID', field, 'Birth date must not be in the future.');
  }
  return valid(raw);
}
