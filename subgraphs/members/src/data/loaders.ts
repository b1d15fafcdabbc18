import DataLoader from 'dataloader';
import type { Member as MemberRow } from '@mp/prisma/members';
import { findMembersByIds, type MembersDb } from './members-repository.js';
import { isUuid } from './ids.js';

/** Per-request loaders: they cache, so sharing them across requests would leak data. */
export interface MemberLoaders {
  memberById: DataLoader<string, MemberRow | null>;
}

export function createLoaders(db: MembersDb): MemberLoaders {
  return {
    memberById: new DataLoader<string, MemberRow | null>(async (ids) => {
      const wellFormed = ids.filter(isUuid);
      const rows = wellFormed.length > 0 ? await findMembersByIds(db, wellFormed) : [];
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}
