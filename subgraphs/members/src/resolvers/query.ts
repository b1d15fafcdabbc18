import { decodeCursor, ForbiddenError, pageSize, UnauthenticatedError } from '@mp/service-kit';
import type { QueryResolvers } from '../generated/resolvers-types.js';
import { findMemberBySubject, listMembers } from '../data/members-repository.js';
import { isUuid } from '../data/ids.js';
import { mayListMembers, READ_SCOPE } from '../domain/authorization.js';
import { MEMBER_CURSOR } from './member-connection.js';

export const Query: QueryResolvers = {
  me: (_parent, _args, { db, identity }) => {
    if (!identity) throw new UnauthenticatedError('Sign in to see your member.');
    return findMemberBySubject(db, identity.subject);
  },
  member: (_parent, { id }, { loaders }) => loaders.memberById.load(id),
  members: (_parent, { first, after }, { db, identity }) => {
    if (!identity) throw new UnauthenticatedError('Sign in to list members.');
    if (!mayListMembers(identity)) throw new ForbiddenError(`Listing members needs the ${READ_SCOPE} scope.`);
    const size = pageSize(first);
    const afterId = after == null ? null : decodeCursor(MEMBER_CURSOR, after, isUuid);
    return listMembers(db, size, afterId);
  },
};
