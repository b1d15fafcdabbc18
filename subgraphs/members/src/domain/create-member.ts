import { validateBirthDate, validateEmail, validateNickname, type UserError } from '../validation/index.js';
import { findMemberBySubject, insertMember, type MembersDb } from '../data/members-repository.js';
import type { TakenField } from '../data/unique-violation.js';
import type { CreateMemberResult } from './results.js';

export interface CreateMemberInput {
  email: string;
  nickname: string;
  birthDate: string;
}

const rejected = (userErrors: UserError[]): CreateMemberResult => ({ member: null, userErrors });

const ALREADY_SIGNED_UP_ERROR: UserError = {
  code: 'ALREADY_SIGNED_UP',
  field: null,
  message: 'You have already signed up; change your nickname instead.',
};

const takenError: Record<TakenField, UserError> = {
  email: { code: 'EMAIL_TAKEN', field: ['input', 'email'], message: 'This email is already registered.' },
  nickname: { code: 'NICKNAME_TAKEN', field: ['input', 'nickname'], message: 'This nickname is already taken.' },
  subject: ALREADY_SIGNED_UP_ERROR,
};

/**
 * Signs `subject` up. Validates every field (all errors at once), then lets the unique indexes
 * decide races, a second sign-up of the same subject included.
 */
export async function createMember(db: MembersDb, subject: string, input: CreateMemberInput, now: Date): Promise<CreateMemberResult> {
  if (await findMemberBySubject(db, subject)) return rejected([ALREADY_SIGNED_UP_ERROR]);
  const email = validateEmail(input.email, ['input', 'email']);
  const nickname = validateNickname(input.nickname, ['input', 'nickname']);
  const birthDate = validateBirthDate(input.birthDate, ['input', 'birthDate'], now);
  if (!email.ok || !nickname.ok || !birthDate.ok) {
    return rejected([email, nickname, birthDate].flatMap((result) => (result.ok ? [] : [result.error])));
  }
  const inserted = await insertMember(db, {
    subject,
    email: email.value.email,
    emailKey: email.value.key,
    nickname: nickname.value.nickname,
    nicknameKey: nickname.value.key,
    birthDate: birthDate.value,
  });
  switch (inserted.kind) {
    case 'created':
      return { member: inserted.member, userErrors: [] };
    case 'taken':
      return rejected([takenError[inserted.field]]);
  }
}
