import { ForbiddenError, UnauthenticatedError } from '@mp/service-kit';
import type { MutationResolvers } from '../generated/resolvers-types.js';
import type { MembersContext } from '../context.js';
import { createMember } from '../domain/create-member.js';
import { changeNickname, FORBIDDEN } from '../domain/change-nickname.js';
import { accountCacheTag, MEMBER_LIST_TAG, memberCacheTag } from './cache-tags.js';

/**
 * After a commit: the writer's later reads, and cached answers holding what changed, are fenced
 * against database replicas that have not replayed it yet; then no gateway replica serves what it
 * changed once the answer leaves (the writer reads its write anywhere), and the answer's cache-tag
 * header lets the forwarding gateway drop it too when no Redis links them.
 */
async function changed(context: MembersContext, tags: string[]) {
  for (const tag of tags) context.cacheTags.add(tag);
  await context.reads.wrote(tags);
  await context.invalidateCache(tags);
}

export const Mutation: MutationResolvers = {
  createMember: async (_parent, { input }, context) => {
    const { db, identity, now, eventsWritten } = context;
    if (!identity) throw new UnauthenticatedError('Sign in to sign up: the member is bound to your account.');
    const result = await createMember(db, identity.subject, input, now());
    if (result.member) {
      eventsWritten();
      await changed(context, [MEMBER_LIST_TAG, accountCacheTag(identity.subject), memberCacheTag(result.member.id)]);
    }
    return result;
  },
  changeNickname: async (_parent, { input }, context) => {
    const { db, identity, now, eventsWritten } = context;
    if (!identity) throw new UnauthenticatedError('Sign in to change a nickname.');
    const result = await changeNickname(db, identity, input, now());
    if (result === FORBIDDEN) throw new ForbiddenError("Only the member or an administrator may change this member's nickname.");
    if (result.member) {
      eventsWritten();
      await changed(context, [memberCacheTag(result.member.id)]);
    }
    return result;
  },
};
