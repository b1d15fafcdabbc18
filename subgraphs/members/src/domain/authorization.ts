import { hasScope, type Identity } from '@mp/service-kit';
import type { Member as MemberRow } from '@mp/prisma/members';

/** Acts on any member: support staff and back-office tools. */
export const ADMIN_SCOPE = 'members:admin';
/** Lists members (a directory page); grants no private fields. */
export const READ_SCOPE = 'members:read';

/** The member's own caller, or an administrator. */
export const actsFor = (caller: Identity | null, member: Pick<MemberRow, 'subject'>): boolean =>
  caller !== null && ((member.subject !== null && member.subject === caller.subject) || hasScope(caller, ADMIN_SCOPE));

export const mayListMembers = (caller: Identity | null): boolean => hasScope(caller, READ_SCOPE) || hasScope(caller, ADMIN_SCOPE);
