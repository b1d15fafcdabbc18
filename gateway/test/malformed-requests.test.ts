import { TestSystem } from './support/system.js';

let system: TestSystem;

beforeAll(async () => {
  system = await TestSystem.start('postgres');
});
afterAll(async () => {
  await system?.close();
});

const JSON_HEADERS = { 'content-type': 'application/json' };

async function send(init: RequestInit & { search?: string }) {
  const response = await fetch(`${system.gatewayUrl}${init.search ?? ''}`, init);
  const body = (await response.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    allow: response.headers.get('allow'),
    errors: body.errors ?? [],
  };
}

const CREATE =
  'mutation { createMember(input: { email: "get@example.com", nickname: "get", birthDate: "1990-01-01" }) { userErrors { code } } }';

describe('malformed requests get the GraphQL-over-HTTP status and a clear message, never a 500', () => {
  it.each<[string, RequestInit & { search?: string }, number, RegExp]>([
    ['bad JSON', { method: 'POST', headers: JSON_HEADERS, body: '{"query": ' }, 400, /^Malformed JSON body/],
    ['a JSON body that is not an object', { method: 'POST', headers: JSON_HEADERS, body: 'null' }, 400, /^Malformed JSON body/],
    [
      'a text/plain body',
      { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"query":"{ __typename }"}' },
      415,
      /^Unsupported Media Type.*application\/json.*"text\/plain"/,
    ],
    [
      'a form body',
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'query=%7B__typename%7D' },
      415,
      /^Unsupported Media Type/,
    ],
    ['no content type', { method: 'POST', body: new Blob(['{"query":"{ __typename }"}']) }, 415, /no content-type/],
    ['a missing query', { method: 'POST', headers: JSON_HEADERS, body: '{"variables":{}}' }, 400, /non-empty `query`/],
    ['a query that is not a string', { method: 'POST', headers: JSON_HEADERS, body: '{"query": 1}' }, 400, /must be strings/],
    ['unparsable GraphQL', { method: 'POST', headers: JSON_HEADERS, body: '{"query":"{"}' }, 400, /^Syntax Error/],
    [
      'variables of the wrong type',
      {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({
          query: 'query($first: Int!) { members(first: $first) { pageInfo { hasNextPage } } }',
          variables: { first: 'ten' },
        }),
      },
      400,
      /^Variable "\$first" got invalid value "ten"; Int cannot represent/,
    ],
    [
      'a GET mutation',
      { headers: { 'apollo-require-preflight': 'true' }, search: `?query=${encodeURIComponent(CREATE)}` },
      405,
      /GET requests only support query operations/,
    ],
    [
      'a GET without a CSRF-safe header',
      { search: `?query=${encodeURIComponent('{ __typename }')}` },
      400,
      /Cross-Site Request Forgery.*apollo-require-preflight/s,
    ],
    ['a PUT', { method: 'PUT', headers: JSON_HEADERS, body: '{"query":"{ __typename }"}' }, 405, /only GET\/POST/],
    ['a batch', { method: 'POST', headers: JSON_HEADERS, body: '[{"query":"{ __typename }"}]' }, 400, /batching disabled/],
    [
      'a body over 100 kB',
      { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ query: `{ __typename }${' '.repeat(120_000)}` }) },
      413,
      /^Request body too large/,
    ],
  ])('%s', async (_case, init, status, message) => {
    const response = await send(init);
    expect(response.status).toBe(status);
    expect(response.contentType).toMatch(/^application\/json/);
    expect(response.errors).toHaveLength(1);
    expect(response.errors[0]!.message).toMatch(message);
    if (status === 405) expect(response.allow).toMatch(/POST/);
  });

  it('answers in application/graphql-response+json when the client accepts it', async () => {
    const accept = 'application/graphql-response+json';
    const badJson = await send({ method: 'POST', headers: { ...JSON_HEADERS, accept }, body: '{' });
    expect(badJson).toMatchObject({ status: 400, contentType: `${accept}; charset=utf-8` });
    const badVariables = await send({
      method: 'POST',
      headers: { ...JSON_HEADERS, accept },
      body: JSON.stringify({ query: 'query($id: ID!) { member(id: $id) { id } }', variables: { id: { not: 'an id' } } }),
    });
    expect(badVariables).toMatchObject({ status: 400, contentType: `${accept}; charset=utf-8` });
    expect(badVariables.errors[0]!.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('still runs a well-formed GET query from a non-browser client', async () => {
    const response = await fetch(`${system.gatewayUrl}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });
});
