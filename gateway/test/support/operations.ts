export { CHANGE_NICKNAME, CREATE_MEMBER, signUpInput, type ChangeNicknameData, type CreateMemberData } from '@mp/testkit';

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
