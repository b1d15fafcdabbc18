import { CHANGE_NICKNAME, CREATE_MEMBER, signUpInput, type ChangeNicknameData, type CreateMemberData } from './support/operations.js';
import { TestSystem, type Caller } from './support/system.js';

// Who may do what, asked as each kind of caller through the whole system (gateway and subgraphs).
const OWNER = { sub: 'authz-owner' };
const OTHER = { sub: 'authz-other' };
const READER = { sub: 'authz-reader', scope: 'members:read' };
const ADMIN = { sub: 'authz-admin', scope: 'members:admin' };
const callers: Record<string, Caller> = {
  anonymous: 'anonymous',
  owner: OWNER,
  'another member': OTHER,
  'members:read': READER,
  'members:admin': ADMIN,
};
type CallerName = keyof typeof callers;

const MEMBER_VIEW = `query($id: ID!) { member(id: $id) { id nickname createdAt email birthDate nicknameHistory(first: 5) { totalCount } } }`;

let system: TestSystem;
let ownerId: string;
const OWNER_INPUT = { email: 'owner.private@example.com', nickname: 'authzowner', birthDate: '1991-02-03' };

const codes = (errors: { extensions?: Record<string, unknown> }[] | undefined) => errors?.map((error) => error.extensions?.['code']) ?? [];

beforeAll(async () => {
  system = await TestSystem.start('postgres');
  const owner = await system.query<CreateMemberData>(CREATE_MEMBER, { input: OWNER_INPUT }, OWNER);
  ownerId = owner.data!.createMember.member!.id;
  await system.query<CreateMemberData>(CREATE_MEMBER, { input: signUpInput('authz') }, OTHER);
  await system.drained();
});
afterAll(() => system?.close());

describe("a member's private fields (email, birthDate)", () => {
  it.each<[CallerName, boolean]>([
    ['anonymous', false],
    ['another member', false],
    ['members:read', false],
    ['owner', true],
    ['members:admin', true],
  ])('%s may read them: %s (the public fields: always)', async (name, readable) => {
    const response = await fetch(system.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await system.issuer.headersFor(callers[name]!)) },
      body: JSON.stringify({ query: MEMBER_VIEW, variables: { id: ownerId } }),
    });
    const text = await response.text();
    const { data, errors } = JSON.parse(text) as {
      data: { member: Record<string, unknown> };
      errors?: { path: string[]; extensions: Record<string, unknown> }[];
    };
    expect(data.member).toMatchObject({ id: ownerId, nickname: OWNER_INPUT.nickname, nicknameHistory: { totalCount: 1 } });
    if (readable) {
      expect(errors).toBeUndefined();
      expect(data.member).toMatchObject({ email: OWNER_INPUT.email, birthDate: OWNER_INPUT.birthDate });
    } else {
      expect(data.member).toMatchObject({ email: null, birthDate: null });
      expect(errors?.map((error) => [error.path.join('.'), error.extensions['code']])).toEqual([
        ['member.email', 'FORBIDDEN'],
        ['member.birthDate', 'FORBIDDEN'],
      ]);
      // Not in the response at all, not even in an error message.
      expect(text).not.toContain(OWNER_INPUT.email);
      expect(text).not.toContain(OWNER_INPUT.birthDate);
    }
  });
});

describe('Query.me', () => {
  // The expected nickname, null (signed in, no member), or the error code.
  it.each<[CallerName, string | null]>([
    ['anonymous', 'UNAUTHENTICATED'],
    ['owner', OWNER_INPUT.nickname],
    ['members:read', null],
  ])('%s: %s', async (name, expected) => {
    const { data, errors } = await system.query<{ me: { nickname: string; email: string } | null }>(
      'query { me { nickname email } }',
      {},
      callers[name],
    );
    if (expected === 'UNAUTHENTICATED') {
      expect(codes(errors)).toEqual(['UNAUTHENTICATED']);
      expect(data).toEqual({ me: null });
    } else {
      expect(errors).toBeUndefined();
      expect(data?.me).toEqual(expected === null ? null : { nickname: expected, email: OWNER_INPUT.email });
    }
  });
});

describe('listing members', () => {
  it.each<[CallerName, string | null]>([
    ['anonymous', 'UNAUTHENTICATED'],
    ['owner', 'FORBIDDEN'],
    ['another member', 'FORBIDDEN'],
    ['members:read', null],
    ['members:admin', null],
  ])('%s: %s', async (name, refusal) => {
    const { data, errors } = await system.query<{ members: { edges: { node: { id: string } }[] } }>(
      'query { members(first: 10) { edges { node { id nickname } } } }',
      {},
      callers[name],
    );
    if (refusal) {
      expect(codes(errors)).toEqual([refusal]);
      expect(data).toBeNull();
    } else {
      expect(errors).toBeUndefined();
      expect(data?.members.edges.map((edge) => edge.node.id)).toContain(ownerId);
    }
  });

  it('with members:read shows no private field of anyone', async () => {
    const { data, errors } = await system.query<{ members: { edges: { node: { email: string | null } }[] } }>(
      'query { members(first: 10) { edges { node { email } } } }',
      {},
      READER,
    );
    expect(data?.members.edges.map((edge) => edge.node.email)).toEqual(data?.members.edges.map(() => null));
    expect(new Set(codes(errors))).toEqual(new Set(['FORBIDDEN']));
  });
});

describe("changing a member's nickname", () => {
  const outboxEvents = () => system.members.client.outboxEvent.count({ where: { aggregateId: ownerId } });
  const nicknameNow = async () => (await system.members.client.member.findUniqueOrThrow({ where: { id: ownerId } })).nickname;

  it.each<[CallerName, string]>([
    ['anonymous', 'UNAUTHENTICATED'],
    ['another member', 'FORBIDDEN'],
    ['members:read', 'FORBIDDEN'],
  ])('%s: refused with %s; nothing changes and no event is written', async (name, code) => {
    const [eventsBefore, nicknameBefore] = [await outboxEvents(), await nicknameNow()];
    // Even an invalid nickname is refused for who sends it, not for what: validation tells strangers nothing.
    for (const nickname of ['hijacked', 'far-too-long-for-a-nickname']) {
      const { data, errors } = await system.query<ChangeNicknameData>(
        CHANGE_NICKNAME,
        { input: { memberId: ownerId, nickname } },
        callers[name],
      );
      expect(data).toBeNull();
      expect(codes(errors)).toEqual([code]);
    }
    expect([await outboxEvents(), await nicknameNow()]).toEqual([eventsBefore, nicknameBefore]);
  });

  it.each<[CallerName, string]>([
    ['owner', 'byowner'],
    ['members:admin', 'byadmin'],
  ])('%s: allowed, and the change reaches the nickname history', async (name, nickname) => {
    const { data, errors } = await system.query<ChangeNicknameData>(
      CHANGE_NICKNAME,
      { input: { memberId: ownerId, nickname } },
      callers[name],
    );
    expect(errors).toBeUndefined();
    expect(data?.changeNickname).toMatchObject({ member: { nickname }, userErrors: [] });
    await system.drained();
    const history = await system.query<{ member: { nicknameHistory: { edges: { node: { nickname: string } }[] } } }>(
      'query($id: ID!) { member(id: $id) { nicknameHistory(first: 1) { edges { node { nickname } } } } }',
      { id: ownerId },
      'anonymous',
    );
    expect(history.data?.member.nicknameHistory.edges[0]?.node.nickname).toBe(nickname);
  });
});

describe('signing up', () => {
  it('needs a signed-in caller', async () => {
    const { data, errors } = await system.query<CreateMemberData>(CREATE_MEMBER, { input: signUpInput('anon') }, 'anonymous');
    expect(data).toBeNull();
    expect(codes(errors)).toEqual(['UNAUTHENTICATED']);
  });

  it('binds one member to each account: a second sign-up is ALREADY_SIGNED_UP and stores nothing', async () => {
    const before = await system.members.client.member.count();
    const { data } = await system.query<CreateMemberData>(CREATE_MEMBER, { input: signUpInput('again') }, OWNER);
    expect(data?.createMember).toEqual({
      member: null,
      userErrors: [{ code: 'ALREADY_SIGNED_UP', field: null, message: expect.any(String) }],
    });
    expect(await system.members.client.member.count()).toBe(before);
  });
});
