// Resolver typing for the members subgraph: parents are Prisma rows (mappers), context is ours.
export default {
  schema: 'schema.graphql',
  output: 'src/generated/resolvers-types.ts',
  config: {
    contextType: '../context.js#MembersContext',
    mappers: {
      Member: '@mp/prisma/members#Member as MemberRow',
      MemberConnection: '../data/pagination.js#MemberPage',
      CreateMemberPayload: '../domain/results.js#CreateMemberResult',
      ChangeNicknamePayload: '../domain/results.js#ChangeNicknameResult',
    },
    scalars: { Date: 'string', DateTime: 'Date', ID: 'string' },
  },
};
