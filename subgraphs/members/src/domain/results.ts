import type { Member as MemberRow } from '@mp/prisma/members';
import type { UserError } from '../validation/index.js';

/** Expected failures are data (userErrors), never thrown: clients render them next to fields. */
export interface CreateMemberResult {
  member: MemberRow | null;
  userErrors: UserError[];
}

export interface ChangeNicknameResult {
  member: MemberRow | null;
  previousNickname: string | null;
  userErrors: UserError[];
}
