import type { MutationResolvers } from '../generated/resolvers-types.js';
import { createMember } from '../domain/create-member.js';
import { changeNickname } from '../domain/change-nickname.js';

export const Mutation: MutationResolvers = {
  createMember: async (_parent, { input }, { db, now, eventsWritten }) => {
    const result = await createMember(db, input, now());
    if (result.member) eventsWritten();
    return result;
  },
  changeNickname: async (_parent, { input }, { db, now, eventsWritten }) => {
    const result = await changeNickname(db, input, now());
    if (result.member) eventsWritten();
    return result;
  },
};
