import { TestSystem, type DatabaseKind } from './support/system.js';
import {
  CHANGE_NICKNAME,
  CREATE_MEMBER,
  MEMBER_WITH_HISTORY,
  signUpInput,
  type ChangeNicknameData,
  type CreateMemberData,
  type MemberWithHistory,
} from './support/operations.js';

describe.each<DatabaseKind>(['postgres', 'embedded'])('the federated system on %s', (kind) => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start(kind);
  });
  afterAll(async () => {
    await system?.close();
  });

  const signUp = async (nickname: string) => {
    const { data } = await system.query<CreateMemberData>(CREATE_MEMBER, { input: { ...signUpInput(), nickname } });
    return data!.createMember.member!;
  };

  it('signs up, changes nicknames and serves the history across both subgraphs', async () => {
    const member = await signUp(`${kind.slice(0, 3)}-first`);
    const change = await system.query<ChangeNicknameData>(CHANGE_NICKNAME, {
      input: { memberId: member.id, nickname: `${kind.slice(0, 3)}-2nd` },
    });
    expect(change.data!.changeNickname).toMatchObject({ previousNickname: `${kind.slice(0, 3)}-first`, userErrors: [] });
    await system.query(CHANGE_NICKNAME, { input: { memberId: member.id, nickname: `${kind.slice(0, 3)}-3rd` } });
    await system.drained();

    const { data, errors } = await system.query<MemberWithHistory>(MEMBER_WITH_HISTORY, { id: member.id });
    expect(errors).toBeUndefined();
    expect(data!.member).toMatchObject({ id: member.id, nickname: `${kind.slice(0, 3)}-3rd`, birthDate: '1985-07-01' });
    const history = data!.member!.nicknameHistory!;
    expect(history.totalCount).toBe(3);
    expect(history.edges.map((e) => [e.node.previousNickname, e.node.nickname])).toEqual([
      [`${kind.slice(0, 3)}-2nd`, `${kind.slice(0, 3)}-3rd`],
      [`${kind.slice(0, 3)}-first`, `${kind.slice(0, 3)}-2nd`],
      [null, `${kind.slice(0, 3)}-first`],
    ]);
  });

  it('returns userErrors through the gateway and stores nothing', async () => {
    const before = await system.members.client.member.count();
    const { data, errors } = await system.query<CreateMemberData>(CREATE_MEMBER, {
      input: { email: 'bad', nickname: 'x'.repeat(11), birthDate: '2023-02-29' },
    });
    expect(errors).toBeUndefined();
    expect(data!.createMember.userErrors.map((e) => e.code).sort()).toEqual(['BIRTH_DATE_INVALID', 'EMAIL_INVALID', 'NICKNAME_TOO_LONG']);
    expect(await system.members.client.member.count()).toBe(before);
  });

  it('returns null for an unknown member and BAD_USER_INPUT for first out of range', async () => {
    const unknown = await system.query<MemberWithHistory>(MEMBER_WITH_HISTORY, { id: '01936f3e-0000-7000-8000-000000000000' });
    expect(unknown).toEqual({ data: { member: null } });
    const tooMany = await system.query('{ members(first: 101) { edges { node { id } } } }');
    expect(tooMany.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('rejects a request sent straight to a subgraph without the gateway secret', async () => {
    const direct = await fetch(system.membersUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ members { edges { node { email } } } }' }),
    });
    expect(direct.status).toBe(401);
  });
});
