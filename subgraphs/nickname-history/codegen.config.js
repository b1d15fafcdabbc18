// Resolver typing for the nickname-history subgraph: parents are Prisma rows (mappers), context is ours.
export default {
  schema: 'schema.graphql',
  output: 'src/generated/resolvers-types.ts',
  config: {
    contextType: '../context.js#HistoryContext',
    mappers: {
      Member: '../data/member-reference.js#MemberReference',
      NicknameChange: '@mp/prisma/nickname-history#NicknameChange as NicknameChangeRow',
      NicknameChangeConnection: '../data/history-page.js#HistoryPage',
    },
    scalars: { DateTime: 'Date', ID: 'string' },
  },
};
