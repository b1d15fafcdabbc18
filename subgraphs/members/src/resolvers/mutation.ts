import { ForbiddenError, UnauthenticatedError } from '@mp/service-kit';
import type { MutationResolvers } from '../generated/resolvers-types.js';
import { createMember } from '../domain/create-member.js';
import { changeNickname, FORBIDDEN } from '../domain/change-nickname.js';

export const Mutation: MutationResolvers = {
  createMember: async (_parent, { input }, { db, identity, now, eventsWritten }) => {
    if (!identity) throw new UnauthenticatedError('Sign in to sign up: the member is bound to your account.');
    const result = await createMember(db, identity.subject, input, now());
    if (result.member) eventsWritten();
    return result;
  },
  changeNickname: async (_parent, { input }, { db, identity, now, eventsWritten }) => {
    if (!identity) throw new UnauthenticatedError('Sign in to change a nickname.');
    const result = await changeNickname(db, identity, input, now());
    if (result === FORBIDDEN) throw new ForbiddenError("Only the member or an administrator may change this member's nickname.");
    if (result.member) eventsWritten();
    return result;
  },
};
