import { ForbiddenError, hintFromEntityType } from '@mp/service-kit';
import type { MemberResolvers } from '../generated/resolvers-types.js';
import { actsFor } from '../domain/authorization.js';
import { memberCacheTag } from './cache-tags.js';

const PRIVATE_FIELD = 'Only the member or an administrator may read this field.';

export const Member: MemberResolvers = {
  __resolveReference: (reference, { loaders, cacheTags }, info) => {
    cacheTags.add(memberCacheTag(reference.id));
    hintFromEntityType(info, 'Member');
    return loaders.memberById.load(reference.id);
  },
  // Private fields are decided here, where the data lives, so no query plan can route around it.
  email: (member, _args, { identity }) => {
    if (!actsFor(identity, member)) throw new ForbiddenError(PRIVATE_FIELD);
    return member.email;
  },
  birthDate: (member, _args, { identity }) => {
    if (!actsFor(identity, member)) throw new ForbiddenError(PRIVATE_FIELD);
    return member.birthDate.toISOString().slice(0, 10);
  },
};
