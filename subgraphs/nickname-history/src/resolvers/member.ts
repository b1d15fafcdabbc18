import { hintFromEntityType, pageSize } from '@mp/service-kit';
import { memberHistoryCacheTag } from '@mp/messaging';
import type { MemberResolvers } from '../generated/resolvers-types.js';
import { canonicalMemberId } from '../data/ids.js';
import { versionFromCursor } from './cursor.js';

export const Member: MemberResolvers = {
  // Nothing to look up: this subgraph only extends Member with its history.
  __resolveReference: (reference, { cacheTags }, info) => {
    hintFromEntityType(info, 'Member');
    cacheTags.add(memberHistoryCacheTag(reference.id));
    return { id: canonicalMemberId(reference.id) };
  },
  nicknameHistory: (member, { first, after }, { loaders }) =>
    loaders.historyPage.load({
      memberId: member.id,
      first: pageSize(first),
      beforeVersion: after == null ? null : versionFromCursor(member.id, after),
    }),
};
