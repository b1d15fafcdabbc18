/** Error codes surfaced to API clients as GraphQL user errors (stable contract: do not rename). */
export type UserErrorCode =
  | 'EMAIL_INVALID'
  | 'EMAIL_TAKEN'
  | 'NICKNAME_EMPTY'
  | 'NICKNAME_TOO_LONG'
  | 'NICKNAME_INVALID'
  | 'NICKNAME_TAKEN'
  | 'NICKNAME_UNCHANGED'
  | 'BIRTH_DATE_INVALID'
  | 'MEMBER_NOT_FOUND'
  | 'ALREADY_SIGNED_UP';

/**
 * A problem the caller can fix; `field` is the path of the offending input (null when no one field
 * is at fault), `message` is English prose.
 */
export interface UserError {
  code: UserErrorCode;
  field: string[] | null;
  message: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; error: UserError };

export function valid<T>(value: T): Validation<T> {
  return { ok: true, value };
}

export function invalid<T>(code: UserErrorCode, field: readonly string[], message: string): Validation<T> {
  // Copy the path so a caller mutating its array later cannot rewrite an already-returned error.
  return { ok: false, error: { code, field: [...field], message } };
}
