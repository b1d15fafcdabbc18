export const CREATE_MEMBER = `mutation($input: CreateMemberInput!) {
  createMember(input: $input) { member { id nickname } userErrors { code field message } }
}`;

export const CHANGE_NICKNAME = `mutation($input: ChangeNicknameInput!) {
  changeNickname(input: $input) { member { id nickname } previousNickname userErrors { code field message } }
}`;

export const MEMBER_WITH_HISTORY = `query($id: ID!) {
  member(id: $id) {
    id email nickname birthDate createdAt
    nicknameHistory(first: 100) { totalCount edges { node { id previousNickname nickname changedAt } } }
  }
}`;

export const PAGE_WITH_HISTORY = `query($first: Int!) {
  members(first: $first) {
    edges { node { nickname nicknameHistory(first: 5) { totalCount edges { node { nickname changedAt } } } } }
  }
}`;

export interface HistoryNode {
  id: string;
  previousNickname: string | null;
  nickname: string;
  changedAt: string;
}

export interface MemberWithHistory {
  member: {
    id: string;
    email: string;
    nickname: string;
    birthDate: string;
    createdAt: string;
    nicknameHistory: { totalCount: number; edges: { node: HistoryNode }[] } | null;
  } | null;
}

export interface CreateMemberData {
  createMember: { member: { id: string; nickname: string } | null; userErrors: { code: string }[] };
}

export interface ChangeNicknameData {
  changeNickname: { member: { id: string; nickname: string } | null; previousNickname: string | null; userErrors: { code: string }[] };
}

let counter = 0;
export function signUpInput(prefix = 'm') {
  counter += 1;
  return { email: `${prefix}${counter}@example.com`, nickname: `${prefix}${counter}`, birthDate: '1985-07-01' };
}
