import { validateNickname, type UserError } from '../validation/index.js';
import type { Identity } from '@mp/service-kit';
import { findMembersByIds, updateNickname, type MembersDb } from '../data/members-repository.js';
import { canonicalId } from '../data/ids.js';
import type { ChangeNicknameResult } from './results.js';
import { actsFor } from './authorization.js';

export interface ChangeNicknameInput {
  memberId: string;
  nickname: string;
}

const rejected = (error: UserError): ChangeNicknameResult => ({ member: null, previousNickname: null, userErrors: [error] });

const NOT_FOUND: ChangeNicknameResult = {
  member: null,
  previousNickname: null,
  userErrors: [{ code: 'MEMBER_NOT_FOUND', field: ['input', 'memberId'], message: 'No member has this id.' }],
};

/** The caller is neither the member nor an administrator: an error, not data, and nothing changes. */
export const FORBIDDEN = 'forbidden';

/**
 * Ownership is checked before the input, so a caller who may not change this member learns
 * nothing from validation. A member's subject never changes, so the check cannot go stale.
 */
export async function changeNickname(
  db: MembersDb,
  caller: Identity,
  input: ChangeNicknameInput,
  now: Date,
): Promise<ChangeNicknameResult | typeof FORBIDDEN> {
  const memberId = canonicalId(input.memberId);
  if (memberId === null) return NOT_FOUND;
  const [member] = await findMembersByIds(db, [memberId]);
  if (!member) return NOT_FOUND;
  if (!actsFor(caller, member)) return FORBIDDEN;
  const nickname = validateNickname(input.nickname, ['input', 'nickname']);
  if (!nickname.ok) return rejected(nickname.error);
  const update = await updateNickname(db, memberId, nickname.value.nickname, nickname.value.key, now);
  switch (update.kind) {
    case 'not-found':
      return NOT_FOUND;
    case 'unchanged':
      return rejected({ code: 'NICKNAME_UNCHANGED', field: ['input', 'nickname'], message: 'This is already the nickname.' });
    case 'taken':
      return rejected({ code: 'NICKNAME_TAKEN', field: ['input', 'nickname'], message: 'This nickname is already taken.' });
    case 'changed':
      return { member: update.member, previousNickname: update.previousNickname, userErrors: [] };
  }
}
