import type { NicknameChangeConnectionResolvers } from '../generated/resolvers-types.js';
import { historyCursor } from './cursor.js';

export const NicknameChangeConnection: NicknameChangeConnectionResolvers = {
  edges: ({ memberId, rows }) => rows.map((row) => ({ cursor: historyCursor(memberId, row.version), node: row })),
  pageInfo: ({ memberId, rows, hasNextPage, hasPreviousPage }) => {
    const first = rows[0];
    const last = rows.at(-1);
    return {
      hasNextPage,
      hasPreviousPage,
      startCursor: first ? historyCursor(memberId, first.version) : null,
      endCursor: last ? historyCursor(memberId, last.version) : null,
    };
  },
  // Counted only when asked for, in one grouped query per request.
  totalCount: ({ memberId }, _args, { loaders }) => loaders.historyCount.load(memberId),
};
