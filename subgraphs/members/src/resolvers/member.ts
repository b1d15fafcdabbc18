import type { MemberResolvers } from '../generated/resolvers-types.js';

export const Member: MemberResolvers = {
  __resolveReference: (reference, { loaders }) => loaders.memberById.load(reference.id),
  birthDate: (member) => member.birthDate.toISOString().slice(0, 10),
};
