import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { loadPersistedDocuments, TestSystem } from '@mp/gateway/testing';
import { createClient, type Execute } from '../src/client.js';
import { renameAndList } from '../src/example.js';
import { ChangeNickname, CreateMember, MemberById, MembersWithHistory } from '../src/operations.js';
import type { UserErrorCode } from '../src/generated/graphql.js';

const workspace = fileURLToPath(new URL('..', import.meta.url));
const manifestPath = fileURLToPath(new URL('../src/generated/persisted-documents.json', import.meta.url));

/** Compile-time equality: `assertType<Equal<A, B>>()` fails type-checking unless A and B are one type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_proof?: T): void {}

it('type-checks the generated documents, the client and this test', () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: workspace, encoding: 'utf8' });
  expect(run.stdout + run.stderr).toBe('');
  expect(run.status).toBe(0);
});

it('generated a persisted-documents manifest with one id per operation', () => {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, string>;
  expect(Object.keys(manifest)).toHaveLength(4);
  for (const document of [MemberById, MembersWithHistory, CreateMember, ChangeNickname]) {
    expect(Object.keys(manifest)).toContain(document.__meta__?.['hash']);
  }
});

describe.each([
  ['sending document text', false],
  ['sending document ids to a trusted-documents gateway', true],
])('a typed client %s', (_label, persisted) => {
  let system: TestSystem;
  let execute: Execute;

  beforeAll(async () => {
    system = await TestSystem.start('postgres', {
      persistedDocuments: persisted ? { manifest: await loadPersistedDocuments(manifestPath), trustedOnly: true } : null,
    });
  });
  afterAll(async () => {
    await system?.close();
  });

  const tag = persisted ? 'p' : 't';

  // Each test is a member's app acting for a new account of its own, allowed to list members.
  let accounts = 0;
  beforeEach(() => {
    const subject = `typed-client-${tag}-${++accounts}`;
    execute = createClient({ url: system.gatewayUrl, persisted, token: () => system.issuer.token(subject, 'members:read') });
  });

  it('signs up, renames and reads members back with typed results', async () => {
    const created = await execute(CreateMember, {
      input: { email: `${tag}-1@example.com`, nickname: `${tag}-first`, birthDate: '1990-05-17' },
    });
    expect(created.status).toBe(200);
    const member = created.data?.createMember.member;
    assertType<Equal<typeof member, { id: string; nickname: string } | null | undefined>>();
    expect(member?.nickname).toBe(`${tag}-first`);

    const changed = await execute(ChangeNickname, { input: { memberId: member!.id, nickname: `${tag}-second` } });
    const previous: string | null | undefined = changed.data?.changeNickname.previousNickname;
    expect(previous).toBe(`${tag}-first`);
    expect(changed.data?.changeNickname.userErrors).toEqual([]);

    const byId = await execute(MemberById, { id: member!.id });
    assertType<Equal<NonNullable<NonNullable<typeof byId.data>['member']>['birthDate'], string | null>>();
    // @ts-expect-error MemberById does not select the history, so its type has no such field.
    expect(byId.data?.member?.nicknameHistory).toBeUndefined();
    expect(byId.data?.member).toMatchObject({
      id: member!.id,
      email: `${tag}-1@example.com`,
      nickname: `${tag}-second`,
      birthDate: '1990-05-17',
    });
    await system.drained();

    const page = await execute(MembersWithHistory, { first: 10 });
    const edge = page.data?.members.edges.find((e) => e.node.id === member!.id);
    const history = edge?.node.nicknameHistory?.edges.map(({ node }) => [node.previousNickname, node.nickname]);
    expect(history).toEqual([
      [`${tag}-first`, `${tag}-second`],
      [null, `${tag}-first`],
    ]);
    expect(page.data?.members.pageInfo.hasNextPage).toBe(false);
  });

  it('gets expected failures as typed userErrors with the offending field', async () => {
    const invalid = await execute(CreateMember, { input: { email: 'not-an-email', nickname: 'x'.repeat(11), birthDate: '2023-02-29' } });
    expect(invalid.errors).toBeUndefined();
    expect(invalid.data?.createMember.member).toBeNull();
    const userErrors = invalid.data?.createMember.userErrors ?? [];
    const codes: UserErrorCode[] = userErrors.map((error) => error.code);
    expect(codes.sort()).toEqual(['BIRTH_DATE_INVALID', 'EMAIL_INVALID', 'NICKNAME_TOO_LONG']);
    expect(userErrors.map((error) => error.field).sort()).toEqual([
      ['input', 'birthDate'],
      ['input', 'email'],
      ['input', 'nickname'],
    ]);

    const unknown = await execute(ChangeNickname, { input: { memberId: '01936f3e-0000-7000-8000-000000000000', nickname: 'nobody' } });
    expect(unknown.data?.changeNickname.userErrors.map((error) => error.code)).toEqual(['MEMBER_NOT_FOUND']);
  });

  it('runs the example end to end', async () => {
    const { userErrors, page } = await renameAndList(execute, `${tag}-ex@example.com`, `${tag}-ex`, `${tag}-ex2`);
    expect(userErrors).toEqual([]);
    expect(page?.edges.map((e) => e.node.nickname)).toContain(`${tag}-ex2`);
  });

  if (persisted) {
    it('is refused any operation that is not in the manifest, with a clear error', async () => {
      const freeForm = createClient({ url: system.gatewayUrl, persisted: false });
      const result = await freeForm(MemberById, { id: 'x' });
      expect(result.status).toBe(400);
      expect(result.errors).toEqual([expect.objectContaining({ extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST' } })]);
      expect(result.errors?.[0]?.message).toMatch(/only trusted documents/);
    });
  }
});
