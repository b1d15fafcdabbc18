import { encodeCursor } from '@mp/service-kit';
import type { MemberConnectionResolvers } from '../generated/resolvers-types.js';

export const MEMBER_CURSOR = 'member';

export const MemberConnection: MemberConnectionResolvers = {
  edges: ({ rows }) => rows.map((row) => ({ cursor: encodeCursor(MEMBER_CURSOR, row.id), node: row })),
  pageInfo: ({ rows, hasNextPage, hasPreviousPage }) => ({
    hasNextPage,
    hasPreviousPage,
    startCursor: rows[0] ? encodeCursor(MEMBER_CURSOR, rows[0].id) : null,
    endCursor: rows.at(-1) ? encodeCursor(MEMBER_CURSOR, rows.at(-1)!.id) : null,
  }),
};
