import { auditServer, type AuditResult } from 'graphql-http';
import { TestSystem } from './support/system.js';

/**
 * SHOULD audits the gateway fails on purpose (named in the README). Apollo Server answers a
 * request that never executed (unparsable, invalid, or with uncoercible variables) with 400 for
 * both media types. The spec asks 200 of legacy application/json responses only so that old
 * clients read the body; every client here reads it, and a 4xx keeps such requests visible to
 * HTTP monitoring and out of caches. application/graphql-response+json gets 400 as required.
 */
const ACCEPTED_SHOULD_FAILURES: Record<string, string> = {
  '572B': 'SHOULD use 200 status code on document parsing failure when accepting application/json',
  FDE2: 'SHOULD use 200 status code on document validation failure when accepting application/json',
  '7B9B': 'SHOULD use a status code of 200 on variable coercion failure when accepting application/json',
};

let system: TestSystem;
let results: AuditResult[];

beforeAll(async () => {
  system = await TestSystem.start('postgres');
  // Exactly as a peer's client would call it: plain fetch, no Apollo-specific headers.
  results = await auditServer({ url: system.gatewayUrl });
  const level = (prefix: string) => results.filter((result) => result.name.startsWith(prefix));
  const summary = (prefix: string) => `${prefix} ${level(prefix).filter((r) => r.status === 'ok').length}/${level(prefix).length}`;
  console.log(
    `graphql-http server audits: ${['MUST', 'SHOULD', 'MAY'].map(summary).join(', ')}\n` +
      results
        .filter((result) => result.status !== 'ok')
        .map((result) => `  ${result.status} ${result.id} ${result.name}: ${'reason' in result ? result.reason : ''}`)
        .join('\n'),
  );
});
afterAll(async () => {
  await system?.close();
});

describe('GraphQL over HTTP (graphql-http server audits)', () => {
  it('passes every MUST audit', () => {
    const must = results.filter((result) => result.name.startsWith('MUST'));
    expect(must.length).toBeGreaterThan(0);
    expect(must.filter((result) => result.status !== 'ok').map(({ id, name }) => `${id} ${name}`)).toEqual([]);
  });

  it('fails no SHOULD audit beyond the accepted deviations', () => {
    const failing = results.filter((result) => result.name.startsWith('SHOULD') && result.status !== 'ok');
    expect(Object.fromEntries(failing.map(({ id, name }) => [id, name]))).toEqual(ACCEPTED_SHOULD_FAILURES);
  });
});
