// Client mistakes as clients make them, through the gateway: each is a client error that names
// what was wrong, stores nothing, and pages no operator.
import { freshAdmin, TestSystem } from './support/system.js';
import { CHANGE_NICKNAME, CREATE_MEMBER, signUpInput, type ChangeNicknameData, type CreateMemberData } from './support/operations.js';

let system: TestSystem;
let memberId: string;

beforeAll(async () => {
  system = await TestSystem.start('postgres');
  const { data } = await system.query<CreateMemberData>(CREATE_MEMBER, { input: signUpInput('bad') });
  memberId = data!.createMember.member!.id;
});
afterAll(async () => {
  await system?.close();
});
afterEach(() => {
  expect(system.errorLogs()).toEqual([]);
});

interface Answer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function post(body: string | Uint8Array): Promise<Answer> {
  const response = await fetch(system.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await system.issuer.headersFor(freshAdmin())) },
    body,
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const send = (query: string, variables: Record<string, unknown> = {}) => post(JSON.stringify({ query, variables }));
const memberCount = () => system.members.client.member.count();

const BAD_DATES: unknown[] = ['1990-5-1', '19900501', 'not-a-date', 19900501, '', '1990-05-01T00:00:00Z'];

describe('a Date of the wrong shape', () => {
  it.each(BAD_DATES)('as a variable (%p): 400 BAD_USER_INPUT naming the variable, nothing stored', async (birthDate) => {
    const before = await memberCount();
    const { status, body } = await send(CREATE_MEMBER, { input: { ...signUpInput('var'), birthDate } });
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      {
        message: `Variable "$input" got invalid value ${JSON.stringify(birthDate)} at "input.birthDate"; Date must be "YYYY-MM-DD"`,
        locations: [{ line: 1, column: CREATE_MEMBER.indexOf('$input') + 1 }],
        extensions: { code: 'BAD_USER_INPUT' },
      },
    ]);
    expect(await memberCount()).toBe(before);
  });

  it('as a null variable for a required field: 400 BAD_USER_INPUT', async () => {
    const { status, body } = await send(CREATE_MEMBER, { input: { ...signUpInput('null'), birthDate: null } });
    expect(status).toBe(400);
    expect(body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/^Variable "\$input" got invalid value null at "input.birthDate"/),
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it.each(['"1990-5-1"', '"19900501"', '"not-a-date"', '19900501', '""', 'true'])(
    'as a literal (%s): 400 BAD_USER_INPUT showing the value and where it is, nothing stored',
    async (literal) => {
      const before = await memberCount();
      const query = `mutation { createMember(input: { email: "lit@example.com", nickname: "lit", birthDate: ${literal} }) { member { id } } }`;
      const { status, body } = await send(query);
      expect(status).toBe(400);
      expect(body.errors).toEqual([
        {
          message: `Expected value of type "Date!", found ${literal}; Date must be "YYYY-MM-DD"`,
          locations: [{ line: 1, column: query.indexOf(literal) + 1 }],
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ]);
      expect(await memberCount()).toBe(before);
    },
  );

  it('of the right shape but not a real date stays a userError on the field (a domain rule)', async () => {
    const { status, body } = await send(CREATE_MEMBER, { input: { ...signUpInput('feb'), birthDate: '1990-02-30' } });
    expect(status).toBe(200);
    expect(body.data).toEqual({
      createMember: { member: null, userErrors: [expect.objectContaining({ code: 'BIRTH_DATE_INVALID', field: ['input', 'birthDate'] })] },
    });
  });
});

describe('other values that cannot be coerced, as literals or variables alike', () => {
  const NO_BIRTH_DATE = 'mutation { createMember(input: { email: "nobirth@example.com", nickname: "nobirth" }) { member { id } } }';
  it.each([
    [
      'an Int literal beyond 32 bits',
      '{ members(first: 99999999999) { pageInfo { hasNextPage } } }',
      {},
      /^Int cannot represent non 32-bit signed integer value: 99999999999$/,
    ],
    [
      'an Int variable beyond 32 bits',
      'query($first: Int) { members(first: $first) { pageInfo { hasNextPage } } }',
      { first: 99999999999 },
      /^Variable "\$first" got invalid value 99999999999; Int cannot represent/,
    ],
    [
      'a string literal for an Int',
      '{ members(first: "ten") { pageInfo { hasNextPage } } }',
      {},
      /^Int cannot represent non-integer value: "ten"$/,
    ],
    ['a float literal for an ID', '{ member(id: 1.5) { id } }', {}, /^ID cannot represent a non-string and non-integer value: 1.5$/],
    [
      'an input literal missing a required field',
      NO_BIRTH_DATE,
      {},
      /^Field "CreateMemberInput.birthDate" of required type "Date!" was not provided.$/,
    ],
    [
      'an input literal with an unknown field',
      'mutation { createMember(input: { email: "x@example.com", nickname: "x", birthDate: "1990-05-01", age: 3 }) { member { id } } }',
      {},
      /^Field "age" is not defined by type "CreateMemberInput"/,
    ],
  ])('%s: 400 BAD_USER_INPUT, nothing stored', async (_name, query, variables, message) => {
    const before = await memberCount();
    const { status, body } = await send(query, variables);
    expect(status).toBe(400);
    expect(body.errors).toEqual([
      expect.objectContaining({ message: expect.stringMatching(message), extensions: { code: 'BAD_USER_INPUT' } }),
    ]);
    expect(await memberCount()).toBe(before);
  });
});

describe('member ids', () => {
  it('are the same member in any letter case, for reads and writes alike', async () => {
    const upper = memberId.toUpperCase();
    expect((await send('query($id: ID!) { member(id: $id) { id } }', { id: upper })).body).toEqual({ data: { member: { id: memberId } } });
    const changed = await system.query<ChangeNicknameData>(CHANGE_NICKNAME, { input: { memberId: upper, nickname: 'UpperCase' } });
    expect(changed.data?.changeNickname).toMatchObject({ member: { id: memberId, nickname: 'UpperCase' }, userErrors: [] });
    await system.drained();
    const history = await send('query($id: ID!) { member(id: $id) { nicknameHistory(first: 5) { totalCount } } }', { id: upper });
    expect(history.body).toEqual({ data: { member: { nicknameHistory: { totalCount: 2 } } } });
  });

  it.each(['not-an-id', '', '01a2030f-1f0a-701f-805f-a7bf434f33a', `${'f'.repeat(8)}-zzzz-7zzz-8zzz-${'f'.repeat(12)}`])(
    'malformed (%p): no member to read, MEMBER_NOT_FOUND to change',
    async (id) => {
      expect((await send('query($id: ID!) { member(id: $id) { id } }', { id })).body).toEqual({ data: { member: null } });
      const changed = await system.query<ChangeNicknameData>(CHANGE_NICKNAME, { input: { memberId: id, nickname: 'nobody' } });
      expect(changed.data?.changeNickname.userErrors).toEqual([expect.objectContaining({ code: 'MEMBER_NOT_FOUND' })]);
    },
  );
});

describe('cursors', () => {
  const historyCursor = (value: string) => Buffer.from(`nickname-change:${value}`, 'utf8').toString('base64url');
  const HISTORY = 'query($id: ID!, $after: String) { member(id: $id) { nicknameHistory(first: 5, after: $after) { totalCount } } }';

  it.each([
    ['a version beyond what the database holds', () => historyCursor(`${memberId}:9999999999`)],
    ["another member's cursor", () => historyCursor('01a2030f-1f0a-701f-805f-a7bf434f33ab:1')],
    ['a members cursor', () => Buffer.from(`member:${memberId}`).toString('base64url')],
    ['garbage', () => '%%%not-a-cursor'],
  ])('%s as a history `after`: BAD_USER_INPUT naming the argument', async (_name, cursor) => {
    const { status, body } = await send(HISTORY, { id: memberId, after: cursor() });
    expect(status).toBe(200);
    expect(body.data).toEqual({ member: { nicknameHistory: null } });
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: 'after is not a valid cursor for this connection',
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argumentName: 'after' }),
      }),
    ]);
  });

  it.each([
    'garbage',
    historyCursor('01a2030f-1f0a-701f-805f-a7bf434f33ab:1'),
    Buffer.from('member:99999999999999999999999999999999999').toString('base64url'),
  ])('%s as a members `after`: BAD_USER_INPUT naming the argument', async (cursor) => {
    const { body } = await send('query($after: String) { members(after: $after) { pageInfo { hasNextPage } } }', { after: cursor });
    expect(body.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argumentName: 'after' }) }),
    ]);
  });
});

describe('a body that is not UTF-8', () => {
  it('is refused with 400 and nothing stored (not decoded into U+FFFD)', async () => {
    const before = await memberCount();
    const text = JSON.stringify({ query: CREATE_MEMBER, variables: { input: { ...signUpInput('utf'), nickname: 'BROKEN' } } });
    const at = Buffer.from(text).indexOf('BROKEN');
    const bytes = Buffer.from(text);
    bytes[at] = 0xff;
    bytes[at + 1] = 0xfe;
    const { status, body } = await post(bytes);
    expect(status).toBe(400);
    expect(body.errors).toEqual([{ message: 'Malformed body: the request body is not valid UTF-8', extensions: { code: 'BAD_REQUEST' } }]);
    expect(await memberCount()).toBe(before);
  });
});
