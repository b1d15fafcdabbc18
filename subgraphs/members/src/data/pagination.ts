import type { Member as MemberRow } from '@mp/prisma/members';

/** One page of members as the repository returns it; the resolver shapes edges and cursors. */
export interface MemberPage {
  rows: MemberRow[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}
