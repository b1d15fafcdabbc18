// Pure input-validation rules for member sign-up and nickname change (no I/O).
export type { UserError, UserErrorCode, Validation } from './user-error.js';
export { EMAIL_MAX_LENGTH, validateEmail } from './email.js';
export { BIRTH_DATE_MIN, latestBirthDate, validateBirthDate } from './birth-date.js';
export {
  NICKNAME_MAX_CODE_POINTS,
  NICKNAME_MAX_GRAPHEMES,
  NICKNAME_MAX_MARKS_PER_CHARACTER,
  nicknameKey,
  validateNickname,
} from './nickname.js';
