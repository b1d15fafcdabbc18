import { DateScalar, DateTimeScalar } from '@mp/service-kit';
import type { Resolvers } from '../generated/resolvers-types.js';
import { Query } from './query.js';
import { Mutation } from './mutation.js';
import { Member } from './member.js';
import { MemberConnection } from './member-connection.js';

/** One entry per type, each from its own module: no merging of partial maps. */
export const resolvers: Resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Member,
  MemberConnection,
};
