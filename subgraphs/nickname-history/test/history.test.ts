import { randomUUID } from 'node:crypto';
import { createHistoryTestDb, type HistoryTestDb } from './support/database.js';
import { createTestServer, execute } from './support/server.js';
import { chainOf } from './support/events.js';
import { recordNicknameChanges } from '../src/data/history-repository.js';
import type { HistoryServer } from '../src/server.js';

let testDb: HistoryTestDb;
let server: HistoryServer;
const alice = randomUUID();
const bob = randomUUID();
const nobody = randomUUID();

beforeAll(async () => {
  testDb = await createHistoryTestDb();
  server = await createTestServer(testDb.db);
  await recordNicknameChanges(testDb.db, chainOf(alice, ['a1', 'a2', 'a3', 'a4', 'a5']));
  await recordNicknameChanges(testDb.db, chainOf(bob, ['b1', 'b2']));
});
afterAll(async () => {
  await server.close();
  await testDb.close();
});

interface Connection {
  totalCount: number;
  edges: { cursor: string; node: { nickname: string; previousNickname: string | null; changedAt: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}
type EntitiesData = { _entities: ({ id: string; nicknameHistory: Connection | null } | null)[] };

const ENTITIES = `query($representations: [_Any!]!, $first: Int, $after: String) {
  _entities(representations: $representations) {
    ... on Member {
      id
      nicknameHistory(first: $first, after: $after) {
        totalCount
        edges { cursor node { nickname previousNickname changedAt } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
  }
}`;
const entities = (ids: string[], variables: Record<string, unknown> = {}) =>
  execute<EntitiesData>(server, ENTITIES, { representations: ids.map((id) => ({ __typename: 'Member', id })), ...variables });

describe('Member.nicknameHistory through _entities', () => {
  it('returns each member its own history, newest first, with totals', async () => {
    const { data, errors } = await entities([alice, bob, nobody], { first: 3 });
    expect(errors).toBeUndefined();
    const [a, b, n] = data!._entities;
    expect(a!.nicknameHistory!.edges.map((e) => e.node.nickname)).toEqual(['a5', 'a4', 'a3']);
    expect(a!.nicknameHistory!.edges[0]!.node).toEqual({ nickname: 'a5', previousNickname: 'a4', changedAt: '2026-01-01T00:04:00.000Z' });
    expect(a!.nicknameHistory!).toMatchObject({ totalCount: 5, pageInfo: { hasNextPage: true, hasPreviousPage: false } });
    expect(b!.nicknameHistory!.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({ nickname: 'b2', previousNickname: 'b1' }),
      expect.objectContaining({ nickname: 'b1', previousNickname: null }),
    ]);
    expect(b!.nicknameHistory!).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: false } });
    expect(n!.nicknameHistory).toEqual({
      totalCount: 0,
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });

  it('pages on with the end cursor', async () => {
    const first = await entities([alice], { first: 2 });
    const after = first.data!._entities[0]!.nicknameHistory!.pageInfo.endCursor;
    const second = await entities([alice], { first: 2, after });
    const page = second.data!._entities[0]!.nicknameHistory!;
    expect(page.edges.map((e) => e.node.nickname)).toEqual(['a3', 'a2']);
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });

  it('loads a whole batch with one statement for the pages and one for the counts', async () => {
    const members = Array.from({ length: 30 }, () => randomUUID());
    testDb.statements.length = 0;
    const { errors } = await entities([...members, alice, bob], { first: 2 });
    expect(errors).toBeUndefined();
    expect(testDb.statements).toHaveLength(2);
    expect(testDb.statements.some((sql) => /LATERAL/i.test(sql))).toBe(true);
  });

  it('rejects a cursor of another member', async () => {
    const first = await entities([alice], { first: 1 });
    const after = first.data!._entities[0]!.nicknameHistory!.pageInfo.endCursor;
    const { data, errors } = await entities([bob], { first: 1, after });
    expect(data!._entities[0]!.nicknameHistory).toBeNull();
    expect(errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it.each([0, 101])('rejects first = %d', async (first) => {
    const { errors } = await entities([alice], { first });
    expect(errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('reads a member referenced by an upper-case id as the same member (ids are case-insensitive)', async () => {
    const lower = await entities([alice], { first: 2 });
    const upper = await entities([alice.toUpperCase()], { first: 2 });
    expect(upper).toEqual(lower);
    const after = upper.data!._entities[0]!.nicknameHistory!.pageInfo.endCursor;
    const next = await entities([alice.toUpperCase()], { first: 2, after });
    expect(next.errors).toBeUndefined();
    expect(next.data!._entities[0]!.nicknameHistory!.edges.map((e) => e.node.nickname)).toEqual(['a3', 'a2']);
  });

  it('shows the largest version the database holds on the newest page, and pages on from it', async () => {
    const member = randomUUID();
    const [first, second] = chainOf(member, ['low', 'top']);
    await recordNicknameChanges(testDb.db, [first!, { ...second!, version: 2 ** 31 - 1 }]);
    const page = await entities([member], { first: 1 });
    const history = page.data!._entities[0]!.nicknameHistory!;
    expect(history.edges.map((e) => e.node.nickname)).toEqual(['top']);
    const rest = await entities([member], { first: 1, after: history.pageInfo.endCursor });
    expect(rest.data!._entities[0]!.nicknameHistory!.edges.map((e) => e.node.nickname)).toEqual(['low']);
  });

  it('treats a malformed member id as having no history', async () => {
    const { data, errors } = await entities(['not-a-uuid']);
    expect(errors).toBeUndefined();
    expect(data!._entities[0]!.nicknameHistory!.totalCount).toBe(0);
  });
});
