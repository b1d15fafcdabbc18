// The member operations every suite sends, written once.
export const MEMBER_FIELDS = 'id email nickname birthDate createdAt';

export const CREATE_MEMBER = /* GraphQL */ `mutation CreateMember($input: CreateMemberInput!) {
  createMember(input: $input) { member { ${MEMBER_FIELDS} } userErrors { code field message } }
}`;

export const CHANGE_NICKNAME = /* GraphQL */ `mutation ChangeNickname($input: ChangeNicknameInput!) {
  changeNickname(input: $input) { member { ${MEMBER_FIELDS} } previousNickname userErrors { code field message } }
}`;

export interface MemberData {
  id: string;
  email: string;
  nickname: string;
  birthDate: string;
  createdAt: string;
}

export interface UserErrorData {
  code: string;
  field: string[] | null;
  message: string;
}

export interface CreateMemberData {
  createMember: { member: MemberData | null; userErrors: UserErrorData[] };
}

export interface ChangeNicknameData {
  changeNickname: { member: MemberData | null; previousNickname: string | null; userErrors: UserErrorData[] };
}

let counter = 0;

/** A valid, unique sign-up (email and nickname carry `prefix` and a counter). */
export function signUpInput(prefix = 'm') {
  counter += 1;
  return { email: `${prefix}${counter}@example.com`, nickname: `${prefix}${counter}`, birthDate: '1985-07-01' };
}
