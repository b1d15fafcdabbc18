import { graphql } from './generated/index.js';

// The operations this client runs. graphql-codegen reads these calls and generates a typed
// document for each (result and variables), plus the persisted-documents manifest.

export const MemberById = graphql(`
  query MemberById($id: ID!) {
    member(id: $id) {
      id
      email
      nickname
      birthDate
      createdAt
    }
  }
`);

export const MembersWithHistory = graphql(`
  query MembersWithHistory($first: Int!, $after: String, $historyFirst: Int = 5) {
    members(first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          nickname
          nicknameHistory(first: $historyFirst) {
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
`);

export const CreateMember = graphql(`
  mutation CreateMember($input: CreateMemberInput!) {
    createMember(input: $input) {
      member {
        id
        nickname
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const ChangeNickname = graphql(`
  mutation ChangeNickname($input: ChangeNicknameInput!) {
    changeNickname(input: $input) {
      member {
        id
        nickname
      }
      previousNickname
      userErrors {
        code
        field
        message
      }
    }
  }
`);
