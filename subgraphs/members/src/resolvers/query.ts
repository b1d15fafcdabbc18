import { decodeCursor, pageSize } from '@mp/service-kit';
import type { QueryResolvers } from '../generated/resolvers-types.js';
import { listMembers } from '../data/members-repository.js';
import { isUuid } from '../data/ids.js';
import { MEMBER_CURSOR } from './member-connection.js';

export const Query: QueryResolvers = {
  member: (_parent, { id }, { loaders }) => loaders.memberById.load(id),
  members: (_parent, { first, after }, { db }) => {
    const size = pageSize(first);
    const afterId = after == null ? null : decodeCursor(MEMBER_CURSOR, after, isUuid);
    return listMembers(db, size, afterId);
  },
};
