export {
  CHANGE_NICKNAME,
  CREATE_MEMBER,
  MEMBER_FIELDS,
  type ChangeNicknameData,
  type CreateMemberData,
  type MemberData,
  type UserErrorData,
} from '@mp/testkit';

let counter = 0;
/** Unique, valid sign-up input (nicknames stay within 10 characters). */
export function signUpInput(overrides: Partial<{ email: string; nickname: string; birthDate: string }> = {}) {
  counter += 1;
  const tag = `${process.pid % 1000}${counter}`.slice(-7);
  return { email: `user${tag}@example.com`, nickname: `n${tag}`, birthDate: '1990-05-17', ...overrides };
}
