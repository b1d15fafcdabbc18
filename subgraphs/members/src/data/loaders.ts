import DataLoader from 'dataloader';
import type { Member as MemberRow } from '@mp/prisma/members';
import { findMembersByIds, type MembersDb } from './members-repository.js';
import { tracedBatch, type BatchObserver, type RequestReads } from '@mp/service-kit';
import { canonicalId } from './ids.js';

/** Per-request loaders: they cache, so sharing them across requests would leak data. */
export interface MemberLoaders {
  memberById: DataLoader<string, MemberRow | null>;
}

export function createLoaders(reads: RequestReads<MembersDb>, observeBatch: BatchObserver = () => {}): MemberLoaders {
  return {
    memberById: new DataLoader<string, MemberRow | null>(
      tracedBatch('memberById', async (ids: readonly string[]) => {
        observeBatch('memberById', ids.length);
        const canonical = ids.map(canonicalId);
        const wellFormed = [...new Set(canonical.filter((id): id is string => id !== null))];
        const rows = wellFormed.length > 0 ? await reads.read((db) => findMembersByIds(db, wellFormed)) : [];
        const byId = new Map(rows.map((row) => [row.id, row]));
        return canonical.map((id) => (id === null ? null : (byId.get(id) ?? null)));
      }),
    ),
  };
}
