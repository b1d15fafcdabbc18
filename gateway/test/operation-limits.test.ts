import { randomUUID } from 'node:crypto';
import { DEFAULT_OPERATION_LIMITS } from '../src/limits/operation-limits.js';
import { freshAdmin, TestSystem } from './support/system.js';

interface Answer {
  status: number;
  body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

const historyPage = (alias: string, first: number | string, historyFirst: number) =>
  `${alias}: members(first: ${first}) { edges { node { id nickname nicknameHistory(first: ${historyFirst}) { edges { node { nickname } } } } } }`;

describe('limits on what one operation may ask for (production defaults)', () => {
  let system: TestSystem;
  let subgraphRequests = 0;
  beforeAll(async () => {
    system = await TestSystem.start('postgres', { fieldSuggestions: false });
    for (const server of [system.membersServer.http.server]) server.on('request', () => subgraphRequests++);
  });
  afterAll(() => system?.close());

  async function post(body: unknown): Promise<Answer & { subgraphRequests: number; gatewayMs: number }> {
    const headers = { 'content-type': 'application/json', ...(await system.issuer.headersFor(freshAdmin())) };
    const before = subgraphRequests;
    const started = performance.now();
    const response = await fetch(system.gatewayUrl, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    const answer = { status: response.status, body: (await response.json()) as Answer['body'] };
    return { ...answer, gatewayMs: performance.now() - started, subgraphRequests: subgraphRequests - before };
  }

  const refusedWith = (answer: Answer & { subgraphRequests: number }, code: string) => {
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.map((error) => error.extensions?.['code'])).toEqual([code]);
    expect(answer.body.data).toBeUndefined();
    expect(answer.subgraphRequests).toBe(0);
  };

  it("refuses issue 8's attack (100 aliases of members × history) before parsing it, asking no subgraph", async () => {
    const query = `{ ${Array.from({ length: 100 }, (_, i) => historyPage(`m${i}`, 100, 100)).join(' ')} }`;
    const answer = await post({ query });
    refusedWith(answer, 'MAX_TOKENS_EXCEEDED');
    console.log(`100-alias attack (${(query.length / 1024).toFixed(1)} kB) refused in ${answer.gatewayMs.toFixed(1)} ms (round trip)`);
  });

  it('refuses a shorter run of aliases by their number', async () => {
    const aliases = Array.from(
      { length: DEFAULT_OPERATION_LIMITS.maxAliases + 1 },
      (_, i) => `m${i}: members(first: 1) { edges { node { id } } }`,
    );
    const answer = await post({ query: `{ ${aliases.join(' ')} }` });
    refusedWith(answer, 'MAX_ALIASES_EXCEEDED');
    expect(answer.body.errors?.[0]?.message).toBe(
      `Aliases limit of ${DEFAULT_OPERATION_LIMITS.maxAliases} exceeded, found ${aliases.length}.`,
    );
  });

  it('refuses an operation whose estimated cost is over MAX_OPERATION_COST, naming the estimate and the maximum', async () => {
    const answer = await post({ query: `{ ${historyPage('a', 100, 100)} ${historyPage('b', 100, 100)} }` });
    refusedWith(answer, 'COST_ESTIMATED_TOO_EXPENSIVE');
    expect(answer.body.errors?.[0]?.extensions?.['cost']).toEqual({
      estimated: 2 * (1 + 100 * 203),
      max: DEFAULT_OPERATION_LIMITS.maxCost,
    });
  });

  it('estimates with the variables sent: the same document passes or not by `first`', async () => {
    const query = `query($n: Int!) { ${historyPage('page', '$n', 50)} }`;
    refusedWith(await post({ query, variables: { n: 100 } }), 'COST_ESTIMATED_TOO_EXPENSIVE');
    const small = await post({ query, variables: { n: 20 } });
    expect(small.status).toBe(200);
    expect(small.body.errors).toBeUndefined();
  });

  it('lets the page a client shows (20 members with 5 history entries each) through', async () => {
    const answer = await post({ query: `{ ${historyPage('page', 20, 5)} }` });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
  });

  it('refuses too many root fields, directives and tokens, each with its own code', async () => {
    const roots = Array.from(
      { length: DEFAULT_OPERATION_LIMITS.maxRootFields + 1 },
      (_, i) => `r${i}: member(id: "${randomUUID()}") { id }`,
    );
    refusedWith(await post({ query: `{ ${roots.join(' ')} }` }), 'MAX_ROOT_FIELDS_EXCEEDED');

    const included = Array.from({ length: DEFAULT_OPERATION_LIMITS.maxDirectives + 1 }, () => '__typename @include(if: true)').join(' ');
    refusedWith(await post({ query: `{ member(id: "x") { ${included} } }` }), 'MAX_DIRECTIVES_EXCEEDED');

    const padding = Array.from({ length: DEFAULT_OPERATION_LIMITS.maxTokens }, () => '__typename').join(' ');
    refusedWith(await post({ query: `{ ${padding} }` }), 'MAX_TOKENS_EXCEEDED');
  });

  it('refuses batched requests: one HTTP request carries one operation', async () => {
    const answer = await post([{ query: '{ __typename }' }, { query: '{ __typename }' }]);
    expect(answer.status).toBe(400);
    expect(answer.subgraphRequests).toBe(0);
  });

  it('gives no "Did you mean" hints when suggestions are off (production)', async () => {
    const answer = await post({ query: '{ member(id: "x") { nicknam } }' });
    expect(answer.body.errors?.[0]?.message).toBe('Cannot query field "nicknam" on type "Member".');
  });
});

describe('limits set lower', () => {
  let system: TestSystem;
  afterAll(() => system?.close());

  it('refuse by depth, and keep "Did you mean" where suggestions are on', async () => {
    system = await TestSystem.start('postgres', { operationLimits: { ...DEFAULT_OPERATION_LIMITS, maxDepth: 4 } });
    const deep = await system.query(`{ ${historyPage('page', 5, 5)} }`);
    expect(deep.errors?.map((error) => error.extensions?.['code'])).toEqual(['MAX_DEPTH_EXCEEDED']);
    expect(deep.errors?.[0]?.message).toMatch(/^Query depth limit of 4 exceeded/);
    const typo = await system.query('{ member(id: "x") { nicknam } }');
    expect(typo.errors?.[0]?.message).toMatch(/Did you mean "nickname"\?$/);
  });
});
