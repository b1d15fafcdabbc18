import { createMembersTestDb, type MembersTestDb } from './support/database.js';
import { createTestServer, execute } from './support/server.js';
import { CREATE_MEMBER, signUpInput, type CreateMemberData, type MemberData } from './support/operations.js';
import type { MembersServer } from '../src/server.js';

let testDb: MembersTestDb;
let server: MembersServer;
const created: MemberData[] = [];

beforeAll(async () => {
  testDb = await createMembersTestDb();
  ({ server } = await createTestServer(testDb.db));
  for (let i = 0; i < 5; i += 1) {
    const { data } = await execute<CreateMemberData>(server, CREATE_MEMBER, { input: signUpInput() });
    created.push(data!.createMember.member!);
  }
});
afterAll(async () => {
  await server.close();
  await testDb.close();
});

interface PageData {
  members: {
    edges: { cursor: string; node: { id: string } }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  };
}
const PAGE = `query Page($first: Int, $after: String) {
  members(first: $first, after: $after) {
    edges { cursor node { id } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

describe('member', () => {
  it('returns a member by id', async () => {
    const { data } = await execute<{ member: MemberData | null }>(
      server,
      'query($id: ID!) { member(id: $id) { id email nickname birthDate createdAt } }',
      {
        id: created[2]!.id,
      },
    );
    expect(data!.member).toEqual(created[2]);
  });

  it.each([
    ['unknown', '01936f3e-0000-7000-8000-000000000000'],
    ['malformed', "'; DROP TABLE member; --"],
  ])('returns null for an %s id', async (_case, id) => {
    const { data, errors } = await execute<{ member: unknown }>(server, 'query($id: ID!) { member(id: $id) { id } }', { id });
    expect(errors).toBeUndefined();
    expect(data!.member).toBeNull();
  });
});

describe('members', () => {
  it('pages oldest first with opaque cursors', async () => {
    const first = await execute<PageData>(server, PAGE, { first: 2 });
    expect(first.data!.members.edges.map((e) => e.node.id)).toEqual(created.slice(0, 2).map((m) => m.id));
    expect(first.data!.members.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(first.data!.members.pageInfo.endCursor).not.toContain(created[1]!.id);

    const second = await execute<PageData>(server, PAGE, { first: 10, after: first.data!.members.pageInfo.endCursor });
    expect(second.data!.members.edges.map((e) => e.node.id)).toEqual(created.slice(2).map((m) => m.id));
    expect(second.data!.members.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('defaults to 20 members', async () => {
    const { data } = await execute<PageData>(server, '{ members { edges { node { id } } pageInfo { hasNextPage } } }');
    expect(data!.members.edges).toHaveLength(created.length);
  });

  it.each([0, -1, 101])('rejects first = %d with BAD_USER_INPUT', async (first) => {
    const { data, errors } = await execute<PageData>(server, PAGE, { first });
    expect(data).toBeNull();
    expect(errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
  });

  it.each(['garbage', Buffer.from('member:not-a-uuid').toString('base64url'), Buffer.from('other:x').toString('base64url')])(
    'rejects the malformed cursor %s with BAD_USER_INPUT',
    async (after) => {
      const { errors } = await execute<PageData>(server, PAGE, { first: 1, after });
      expect(errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    },
  );
});

describe('_entities', () => {
  const ENTITIES = `query($representations: [_Any!]!) {
    _entities(representations: $representations) { ... on Member { id nickname } }
  }`;

  it('resolves references in order, null for unknown or malformed ids, with one SQL statement', async () => {
    const ids = [created[3]!.id, 'nope', created[0]!.id, '01936f3e-0000-7000-8000-000000000000', created[4]!.id];
    testDb.statements.length = 0;
    const { data, errors } = await execute<{ _entities: ({ id: string; nickname: string } | null)[] }>(server, ENTITIES, {
      representations: ids.map((id) => ({ __typename: 'Member', id })),
    });
    expect(errors).toBeUndefined();
    expect(data!._entities).toEqual([
      { id: created[3]!.id, nickname: created[3]!.nickname },
      null,
      { id: created[0]!.id, nickname: created[0]!.nickname },
      null,
      { id: created[4]!.id, nickname: created[4]!.nickname },
    ]);
    expect(testDb.statements.filter((sql) => /^\s*SELECT/i.test(sql))).toHaveLength(1);
  });
});
