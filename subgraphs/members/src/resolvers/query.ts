import { decodeCursor, ForbiddenError, pageSize, UnauthenticatedError } from '@mp/service-kit';
import type { QueryResolvers } from '../generated/resolvers-types.js';
import { findMemberBySubject, listMembers } from '../data/members-repository.js';
import { isUuid } from '../data/ids.js';
import { mayListMembers, READ_SCOPE } from '../domain/authorization.js';
import { MEMBER_CURSOR } from './member-connection.js';
import { accountCacheTag, MEMBER_LIST_TAG, memberCacheTag } from './cache-tags.js';

export const Query: QueryResolvers = {
  me: async (_parent, _args, { reads, identity, cacheTags }) => {
    if (!identity) throw new UnauthenticatedError('Sign in to see your member.');
    cacheTags.add(accountCacheTag(identity.subject));
    const member = await reads.read((db) => findMemberBySubject(db, identity.subject));
    if (member) cacheTags.add(memberCacheTag(member.id));
    return member;
  },
  member: (_parent, { id }, { loaders, cacheTags }) => {
    cacheTags.add(memberCacheTag(id));
    return loaders.memberById.load(id);
  },
  members: async (_parent, { first, after }, { reads, identity, cacheTags }) => {
    if (!identity) throw new UnauthenticatedError('Sign in to list members.');
    if (!mayListMembers(identity)) throw new ForbiddenError(`Listing members needs the ${READ_SCOPE} scope.`);
    const size = pageSize(first);
    const afterId = after == null ? null : decodeCursor(MEMBER_CURSOR, after, isUuid);
    const page = await reads.read((db) => listMembers(db, size, afterId));
    cacheTags.add(MEMBER_LIST_TAG);
    for (const row of page.rows) cacheTags.add(memberCacheTag(row.id));
    return page;
  },
};
