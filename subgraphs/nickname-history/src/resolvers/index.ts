import { DateTimeScalar } from '@mp/service-kit';
import type { Resolvers } from '../generated/resolvers-types.js';
import { Member } from './member.js';
import { NicknameChangeConnection } from './nickname-change-connection.js';

/** One entry per type, each from its own module. */
export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Member,
  NicknameChangeConnection,
};
