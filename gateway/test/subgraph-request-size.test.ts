// A request the gateway accepts can become a larger subgraph request: nickname-history gets the
// client's history selections plus one `_entities` representation per member on the page. The
// subgraphs used to refuse bodies over 100 kB, the gateway's own client limit, so a request just
// under that limit got the subgraph's 413, which the gateway answered as an internal error.
import { randomUUID } from 'node:crypto';
import { freshAdmin, TestSystem } from './support/system.js';

/** The gateway's client body limit (express `100kb`). */
const CLIENT_LIMIT = 100 * 1024;
const MEMBERS = 20;

let system: TestSystem;
beforeAll(async () => {
  // Thousands of aliased history fields make the subgraph work for seconds on a loaded 2-core
  // machine, and production's per-operation limits (operation-limits.test.ts) refuse such a
  // request outright: this test is about body size, so the deadlines and those limits are lifted.
  const unlimited = { maxDepth: 100, maxAliases: 100_000, maxDirectives: 100, maxTokens: 1_000_000, maxRootFields: 100, maxCost: 1e9 };
  system = await TestSystem.start('postgres', { subgraphTimeoutMs: 60_000, requestDeadlineMs: 60_000, operationLimits: unlimited });
  await system.members.client.member.createMany({
    data: Array.from({ length: MEMBERS }, (_, i) => ({
      id: randomUUID(),
      email: `size${i}@example.com`,
      emailKey: `size${i}@example.com`,
      nickname: `size${i}`,
      nicknameKey: `size${i}`,
      birthDate: new Date('1990-05-01'),
    })),
  });
});
afterAll(async () => {
  await system?.close();
});

/** A page of members, each asking for its history under as many aliases as fit under the client limit. */
function bodyJustUnderTheClientLimit(): { body: string; historySelections: string[] } {
  const historySelections: string[] = [];
  const bodyOf = (selections: string[]) => JSON.stringify({ query: `{members(first:${MEMBERS}){edges{node{${selections.join('')}}}}}` });
  for (;;) {
    const next = `h${historySelections.length}:nicknameHistory(first:1){totalCount}`;
    if (bodyOf([...historySelections, next]).length > CLIENT_LIMIT - 100) break;
    historySelections.push(next);
  }
  return { body: bodyOf(historySelections), historySelections };
}

it('answers a request under the client limit whose nickname-history request is over it, and logs no error', async () => {
  const { body, historySelections } = bodyJustUnderTheClientLimit();
  expect(body.length).toBeLessThanOrEqual(CLIENT_LIMIT);
  // A lower bound of what the gateway sends nickname-history: the same selections and the representations.
  const representations = JSON.stringify(Array.from({ length: MEMBERS }, () => ({ __typename: 'Member', id: randomUUID() })));
  expect(historySelections.join('').length + representations.length).toBeGreaterThan(CLIENT_LIMIT);

  const response = await fetch(system.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await system.issuer.headersFor(freshAdmin())) },
    body,
  });
  expect(response.status).toBe(200);
  const result = (await response.json()) as {
    data?: { members: { edges: { node: Record<string, { totalCount: number } | null> }[] } };
    errors?: unknown[];
  };
  expect(result.errors).toBeUndefined();
  const edges = result.data?.members.edges ?? [];
  expect(edges).toHaveLength(MEMBERS);
  for (const { node } of edges) {
    expect(Object.keys(node)).toHaveLength(historySelections.length);
    expect(Object.values(node).every((history) => history?.totalCount === 0)).toBe(true);
  }
  expect(system.errorLogs()).toEqual([]);
});
