import { createMembersTestDb, type MembersTestDb } from './support/database.js';
import { TEST_GATEWAY_SECRET, createTestServer, execute, type LoggedLine } from './support/server.js';
import { CREATE_MEMBER, signUpInput, type CreateMemberData } from './support/operations.js';
import type { MembersServer } from '../src/server.js';

let testDb: MembersTestDb;
let server: MembersServer;
let logged: LoggedLine[];
let url: string;

beforeAll(async () => {
  testDb = await createMembersTestDb();
  ({ server, logged } = await createTestServer(testDb.db));
  url = `${await server.http.listen(0)}/graphql`;
});
afterAll(async () => {
  await server.close();
  await testDb.close();
});

const post = (headers: Record<string, string>) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: '{ members(first: 1) { edges { node { id } } } }' }),
  });

describe('only the gateway is trusted', () => {
  it('rejects requests without the gateway secret', async () => {
    const response = await post({});
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ errors: [expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } })] });
  });

  it('rejects a wrong secret', async () => {
    expect((await post({ 'x-gateway-secret': `${TEST_GATEWAY_SECRET}x` })).status).toBe(401);
  });

  it('answers the gateway', async () => {
    const response = await post({ 'x-gateway-secret': TEST_GATEWAY_SECRET });
    expect(response.status).toBe(200);
  });
});

describe('request bodies', () => {
  // The gateway's request for one client request can be far larger than the client's (a page of
  // entity representations per aliased field): the subgraph must take whatever the gateway sends.
  const representations = Array.from({ length: 20_000 }, () => ({ __typename: 'Member', id: '01a2030f-1f0a-701f-805f-a7bf434f33ab' }));
  const entities = JSON.stringify({
    query: 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Member { id } } }',
    variables: { representations },
  });

  it('accepts an _entities request of a megabyte from the gateway', async () => {
    expect(entities.length).toBeGreaterThan(1_000_000);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-gateway-secret': TEST_GATEWAY_SECRET },
      body: entities,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { _entities: unknown[] } };
    expect(body.data._entities).toHaveLength(20_000);
  });

  it('refuses it from anyone else before reading it', async () => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: entities });
    expect(response.status).toBe(401);
  });

  it('answers malformed JSON and invalid UTF-8 with 400, not 500', async () => {
    const headers = { 'content-type': 'application/json', 'x-gateway-secret': TEST_GATEWAY_SECRET };
    expect((await fetch(url, { method: 'POST', headers, body: '{"query":' })).status).toBe(400);
    expect((await fetch(url, { method: 'POST', headers, body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]) })).status).toBe(400);
    expect(logged.filter((line) => line.level >= 50)).toEqual([]);
  });
});

describe('unexpected errors', () => {
  it('are masked for clients and logged in full for operators', async () => {
    // Break the table underneath the service: the insert fails with a database error.
    await testDb.db.$executeRawUnsafe('ALTER TABLE member RENAME TO member_gone');
    try {
      const { data, errors } = await execute<CreateMemberData>(server, CREATE_MEMBER, { input: signUpInput() });
      expect(data).toBeNull();
      expect(errors).toEqual([
        {
          message: 'Internal server error',
          path: ['createMember'],
          locations: expect.any(Array),
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        },
      ]);
      expect(JSON.stringify(errors)).not.toMatch(/member_gone|prisma|SELECT|INSERT|relation/i);
      const entry = logged.find((line) => line.msg === 'unexpected error in GraphQL operation');
      expect(entry?.err?.message).toMatch(/member/);
    } finally {
      await testDb.db.$executeRawUnsafe('ALTER TABLE member_gone RENAME TO member');
    }
  });
});
