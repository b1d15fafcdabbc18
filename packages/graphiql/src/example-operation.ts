/** What a first-time visitor sees: one query that crosses both subgraphs, ready to run. */
export const EXAMPLE_OPERATION = `# Members with their nickname history.
# members comes from the members service,
# nicknameHistory from nickname-history:
# the gateway joins them per member.
# Listing members needs a signed-in caller with
# the members:read scope. With npm start, get a
# token in a terminal:
#   npm run token -- --sub me --scope members:read
# and put it in the Headers tab below:
#   {"Authorization": "Bearer <the token>"}
# Run it with the ▶ button or Ctrl-Enter;
# the Docs panel lists every type.
#
# Sign up as the token's subject (one member each),
# then query { me { nickname } }:
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
