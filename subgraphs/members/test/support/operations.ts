export const MEMBER_FIELDS = 'id email nickname birthDate createdAt';

export const CREATE_MEMBER = /* GraphQL */ `
  mutation CreateMember($input: CreateMemberInput!) {
    createMember(input: $input) {
      member { ${MEMBER_FIELDS} }
      userErrors { code field message }
    }
  }`;

export const CHANGE_NICKNAME = /* GraphQL */ `
  mutation ChangeNickname($input: ChangeNicknameInput!) {
    changeNickname(input: $input) {
      member { ${MEMBER_FIELDS} }
      previousNickname
      userErrors { code field message }
    }
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
/** Unique, valid sign-up input (nicknames stay within 10 characters). */
export function signUpInput(overrides: Partial<{ email: string; nickname: string; birthDate: string }> = {}) {
  counter += 1;
  const tag = `${process.pid % 1000}${counter}`.slice(-7);
  return { email: `user${tag}@example.com`, nickname: `n${tag}`, birthDate: '1990-05-17', ...overrides };
}
