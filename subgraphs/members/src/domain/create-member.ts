import { validateBirthDate, validateEmail, validateNickname, type UserError } from '../validation/index.js';
import { insertMember, type MembersDb } from '../data/members-repository.js';
import type { CreateMemberResult } from './results.js';

export interface CreateMemberInput {
  email: string;
  nickname: string;
  birthDate: string;
}

const rejected = (userErrors: UserError[]): CreateMemberResult => ({ member: null, userErrors });

/** Validates every field (all errors at once), then lets the unique indexes decide races. */
export async function createMember(db: MembersDb, input: CreateMemberInput, now: Date): Promise<CreateMemberResult> {
  const email = validateEmail(input.email, ['input', 'email']);
  const nickname = validateNickname(input.nickname, ['input', 'nickname']);
  const birthDate = validateBirthDate(input.birthDate, ['input', 'birthDate'], now);
  if (!email.ok || !nickname.ok || !birthDate.ok) {
    return rejected([email, nickname, birthDate].flatMap((result) => (result.ok ? [] : [result.error])));
  }
  const inserted = await insertMember(db, {
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
      return rejected([
        inserted.field === 'email'
          ? { code: 'EMAIL_TAKEN', field: ['input', 'email'], message: 'This email is already registered.' }
          : { code: 'NICKNAME_TAKEN', field: ['input', 'nickname'], message: 'This nickname is already taken.' },
      ]);
  }
}
