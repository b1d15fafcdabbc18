import { z } from 'zod';
import { invalid, valid, type Validation } from './user-error.js';

/** RFC 5321 path limit; also the width of the email and email_key columns. */
export const EMAIL_MAX_LENGTH = 254;

// zod's "practical" email pattern is ASCII-only, so lower-casing the key can never grow it past the column width.
const emailSchema = z.email();

export function validateEmail(raw: string, field: string[]): Validation<{ email: string; key: string }> {
  const email = raw.trim();
  if (email.length === 0) {
    return invalid('EMAIL_INVALID', field, 'Email address is required.');
  }
  // Checked before the pattern so the regex never runs on unbounded input. UTF-16 length >= code points,
  // so this also guarantees the varchar(254) fit.
  if (email.length > EMAIL_MAX_LENGTH) {
    return invalid('EMAIL_INVALID', field, `Email address must be at most ${EMAIL_MAX_LENGTH} characters.`);
  }
  if (!emailSchema.safeParse(email).success) {
    return invalid('EMAIL_INVALID', field, 'Email address is not valid.');
  }
  // Uniqueness is case-insensitive over the whole address (local parts are case-insensitive in practice,
  // and two accounts differing only by case would be a support nightmare); the stored address keeps its case.
  return valid({ email, key: email.toLowerCase() });
}
