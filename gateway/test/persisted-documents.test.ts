import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { documentHash, loadPersistedDocuments } from '../src/persisted-documents.js';
import { freshAdmin, TestSystem } from './support/system.js';

const TYPENAME = 'query Typename { __typename }';
const PAGE = 'query Page($first: Int!) { members(first: $first) { pageInfo { hasNextPage } } }';
const manifest = new Map([TYPENAME, PAGE].map((document) => [documentHash(document), document]));

interface Result {
  status: number;
  data?: unknown;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function post(system: TestSystem, body: unknown): Promise<Result> {
  const response = await fetch(system.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await system.issuer.headersFor(freshAdmin())) },
    body: JSON.stringify(body),
  });
  return { status: response.status, ...((await response.json()) as Omit<Result, 'status'>) };
}

async function get(system: TestSystem, params: Record<string, string>): Promise<Result> {
  const response = await fetch(`${system.gatewayUrl}?${new URLSearchParams(params).toString()}`, {
    headers: { 'apollo-require-preflight': 'true', ...(await system.issuer.headersFor(freshAdmin())) },
  });
  return { status: response.status, ...((await response.json()) as Omit<Result, 'status'>) };
}

const apq = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

describe('trusted documents (TRUSTED_DOCUMENTS_ONLY)', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await TestSystem.start('postgres', { persistedDocuments: { manifest, trustedOnly: true } });
  });
  afterAll(async () => {
    await system?.close();
  });

  it('runs manifest documents sent by documentId (bare or sha256:-prefixed), APQ hash or full text', async () => {
    const hash = documentHash(PAGE);
    for (const body of [
      { documentId: hash, variables: { first: 1 } },
      { documentId: `sha256:${hash}`, variables: { first: 1 } },
      { extensions: apq(hash), variables: { first: 1 } },
      { query: PAGE, variables: { first: 1 } },
    ]) {
      expect(await post(system, body)).toEqual({ status: 200, data: { members: { pageInfo: { hasNextPage: false } } } });
    }
    expect(await get(system, { documentId: documentHash(TYPENAME) })).toEqual({ status: 200, data: { __typename: 'Query' } });
    expect(await get(system, { extensions: JSON.stringify(apq(documentHash(TYPENAME))) })).toEqual({
      status: 200,
      data: { __typename: 'Query' },
    });
  });

  it('rejects any other operation before parsing it, with a clear error', async () => {
    const freeForm = await post(system, { query: '{ members(first: 1) { edges { node { email } } } }' });
    expect(freeForm.status).toBe(400);
    expect(freeForm.errors).toEqual([
      {
        message: expect.stringMatching(
          /^This gateway executes only trusted documents: the operation is not in its persisted documents manifest/,
        ),
        extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST' },
      },
    ]);
    // Not even a syntax error leaks: nothing untrusted reaches the parser or the validator.
    expect((await post(system, { query: '{ nope' })).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    expect((await get(system, { query: '{ __typename }' })).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');

    const unknownId = await post(system, { documentId: 'f'.repeat(64) });
    expect(unknownId).toMatchObject({ status: 400, errors: [{ extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] });
    expect(unknownId.errors?.[0]?.message).toMatch(/not in this gateway's persisted documents manifest/);
    // Clients cannot register new documents through APQ.
    const register = await post(system, { query: '{ __typename }', extensions: apq(documentHash('{ __typename }')) });
    expect(register).toMatchObject({ status: 400, errors: [{ extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] });
    const mismatch = await post(system, { query: '{ __typename }', documentId: documentHash(TYPENAME) });
    expect(mismatch).toMatchObject({ status: 400, errors: [{ message: expect.stringMatching(/does not match/) }] });
  });
});

describe('with trusted documents off', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await TestSystem.start('postgres');
  });
  afterAll(async () => {
    await system?.close();
  });

  it('keeps automatic persisted queries: an unknown hash asks for the query, then the hash alone works', async () => {
    const query = '{ members(first: 2) { pageInfo { hasNextPage } } }';
    const hash = documentHash(query);
    expect(await post(system, { extensions: apq(hash) })).toMatchObject({
      errors: [{ extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }],
    });
    expect(await post(system, { query, extensions: apq(hash) })).toMatchObject({
      status: 200,
      data: { members: { pageInfo: { hasNextPage: false } } },
    });
    expect(await post(system, { extensions: apq(hash) })).toMatchObject({
      status: 200,
      data: { members: { pageInfo: { hasNextPage: false } } },
    });
  });

  it('runs free-form operations', async () => {
    expect(await post(system, { query: '{ __typename }' })).toEqual({ status: 200, data: { __typename: 'Query' } });
  });
});

describe('with a manifest but trusted documents off (migration mode)', () => {
  it('resolves manifest ids and still runs free-form operations', async () => {
    const system = await TestSystem.start('postgres', { persistedDocuments: { manifest, trustedOnly: false } });
    try {
      expect(await post(system, { documentId: documentHash(TYPENAME) })).toEqual({ status: 200, data: { __typename: 'Query' } });
      expect(await post(system, { query: '{ __typename }' })).toEqual({ status: 200, data: { __typename: 'Query' } });
    } finally {
      await system.close();
    }
  });
});

describe('loadPersistedDocuments', () => {
  const writeManifest = async (content: unknown) => {
    const path = join(await mkdtemp(join(tmpdir(), 'manifest-')), 'persisted-documents.json');
    await writeFile(path, JSON.stringify(content));
    return path;
  };

  it('reads codegen manifests keyed by sha256:<hex>', async () => {
    const loaded = await loadPersistedDocuments(await writeManifest({ [`sha256:${documentHash(TYPENAME)}`]: TYPENAME }));
    expect([...loaded]).toEqual([[documentHash(TYPENAME), TYPENAME]]);
  });

  it('refuses a manifest whose ids are not the sha256 of their documents', async () => {
    await expect(loadPersistedDocuments(await writeManifest({ [documentHash(PAGE)]: TYPENAME }))).rejects.toThrow(
      /not the sha256 of their document/,
    );
    await expect(loadPersistedDocuments(await writeManifest({ abc: TYPENAME }))).rejects.toThrow(/sha256 hex hash/);
  });
});
