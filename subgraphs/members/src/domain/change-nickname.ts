import { validateNickname } from '../validation/index.js';
import { updateNickname, type MembersDb } from '../data/members-repository.js';
import { takenField } from '../data/unique-violation.js';
import { canonicalId } from '../data/ids.js';
import type { ChangeNicknameResult } from './results.js';

export interface ChangeNicknameInput {
  memberId: string;
  nickname: string;
}

const NOT_FOUND: ChangeNicknameResult = {
  member: null,
  previousNickname: null,
  userErrors: [{ code: 'MEMBER_NOT_FOUND', field: ['input', 'memberId'], message: 'No member has this id.' }],
};

export async function changeNickname(
  db: MembersDb,
  input: ChangeNicknameInput,
  now: Date,
): Promise<ChangeNicknameResult> {
  const nickname = validateNickname(input.nickname, ['input', 'nickname']);
  if (!nickname.ok) return { member: null, previousNickname: null, userErrors: [nickname.error] };
  const memberId = canonicalId(input.memberId);
  if (memberId === null) return NOT_FOUND;
  try {
    const update = await updateNickname(db, memberId, nickname.value.nickname, nickname.value.key, now);
    switch (update.kind) {
      case 'not-found':
        return NOT_FOUND;
      case 'unchanged':
        return {
          member: null,
          previousNickname: null,
          userErrors: [
            { code: 'NICKNAME_UNCHANGED', field: ['input', 'nickname'], message: 'This is already the nickname.' },
          ],
        };
      case 'changed':
        return { member: update.member, previousNickname: update.previousNickname, userErrors: [] };
    }
  } catch (error) {
    if (takenField(error) === 'nickname') {
      return {
        member: null,
        previousNickname: null,
        userErrors: [{ code: 'NICKNAME_TAKEN', field: ['input', 'nickname'], message: 'This nickname is already taken.' }],
      };
    }
    throw error;
  }
}
