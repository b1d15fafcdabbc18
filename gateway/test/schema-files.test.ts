import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema } from 'graphql';
import { compareApiSchemas } from '../scripts/breaking-changes.js';
import { SCHEMA_FILES, staleSchemaFiles } from '../scripts/schema-files.js';
import { composeSchemas, readSubgraphs } from '../scripts/supergraph.js';

const gatewayDir = fileURLToPath(new URL('..', import.meta.url));

describe('committed schema files', () => {
  it('match a fresh composition of the subgraphs (run `npm run generate` and commit when this fails)', async () => {
    expect(await staleSchemaFiles(composeSchemas(await readSubgraphs()))).toEqual([]);
  });

  it('give clients the API without federation internals', async () => {
    const api = await readFile(SCHEMA_FILES.apiSdl.url, 'utf8');
    expect(api).not.toMatch(/join__|link__|@link|@key|_Entity|_service|inaccessible/);
    const schema = buildSchema(api);
    expect(Object.keys(schema.getQueryType()!.getFields())).toEqual(['me', 'member', 'members']);
    expect(Object.keys(schema.getMutationType()!.getFields())).toEqual(['createMember', 'changeNickname']);
    expect(schema.getType('Member')?.toString()).toBe('Member');
  });
});

describe('breaking-change check', () => {
  const current = async () => await readFile(SCHEMA_FILES.apiSdl.url, 'utf8');

  it('reports removed fields, new required inputs and narrowed types as breaking', async () => {
    const base = await current();
    const next = base
      .replace(/\n  email: String\n/, '\n')
      .replace('input ChangeNicknameInput {', 'input ChangeNicknameInput {\n  reason: String!')
      .replace('totalCount: Int!', 'totalCount: String!');
    const report = await compareApiSchemas(base, next);
    expect(report.breaking).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Member\.email: Field 'email' was removed/),
        expect.stringMatching(/^ChangeNicknameInput\.reason: Input field 'reason' of type 'String!' was added/),
        expect.stringMatching(/totalCount.*changed type/),
      ]),
    );
  });

  it('treats additions as safe', async () => {
    const base = await current();
    const report = await compareApiSchemas(base, base.replace('type Member {', 'type Member {\n  avatarUrl: String'));
    expect(report).toEqual({ breaking: [], dangerous: [], safe: [expect.stringMatching(/avatarUrl.*added/)] });
  });

  const runCheck = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check-breaking-changes.ts', ...args], { cwd: gatewayDir, encoding: 'utf8' });

  it('passes as a command against the committed API schema', () => {
    const run = runCheck();
    expect(run.stderr).not.toMatch(/breaking API change/);
    expect(run.status).toBe(0);
  });

  it('fails as a command when the composed API would break clients of the baseline', async () => {
    const baseline = join(await mkdtemp(join(tmpdir(), 'api-')), 'api-schema.graphql');
    await writeFile(baseline, (await current()).replace('type Query {', 'type Query {\n  legacyMembers: [Member!]!'));
    const run = runCheck('--against', baseline);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/1 breaking API change\(s\).*\n.*Query\.legacyMembers: Field 'legacyMembers' was removed/);
  });
});
