/** What a first-time visitor sees: one query that crosses both subgraphs, ready to run. */
export const EXAMPLE_OPERATION = `# Members with their nickname history.
# members comes from the members service,
# nicknameHistory from nickname-history:
# the gateway joins them per member.
# Run it with the ▶ button or Ctrl-Enter;
# the Docs panel lists every type.
#
# Sign someone up:
# mutation {
#   createMember(input: { email: "hong@example.com",
#       nickname: "Gildong", birthDate: "1990-05-17" }) {
#     member { id nickname }
#     userErrors { code field message }
#   }
# }
query MembersWithHistory($first: Int = 10) {
  members(first: $first) {
    edges {
      node {
        id
        nickname
        createdAt
        nicknameHistory(first: 5) {
          totalCount
          edges {
            node {
              previousNickname
              nickname
              changedAt
            }
          }
        }
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
`;
