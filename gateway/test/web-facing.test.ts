// What a browser meets: CORS for the allowed origins only, security headers, compressed results.
import { gunzipSync } from 'node:zlib';
import { request } from 'node:http';
import { freshAdmin, TestSystem } from './support/system.js';

const ALLOWED = 'https://app.example.com';

let system: TestSystem;
beforeAll(async () => {
  system = await TestSystem.start('postgres', { corsOrigins: [ALLOWED] });
});
afterAll(() => system?.close());

it('answers a preflight from an allowed origin, allowing the bearer token and JSON', async () => {
  const response = await fetch(system.gatewayUrl, {
    method: 'OPTIONS',
    headers: { origin: ALLOWED, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  });
  expect(response.status).toBe(204);
  expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
  expect(response.headers.get('access-control-allow-methods')).toBe('GET,POST');
  expect(response.headers.get('access-control-allow-headers')).toMatch(/authorization/);
  expect(response.headers.get('access-control-allow-headers')).toMatch(/content-type/);
});

it('gives other origins no CORS headers, so browsers keep their pages out', async () => {
  for (const method of ['OPTIONS', 'POST']) {
    const response = await fetch(system.gatewayUrl, {
      method,
      headers: { origin: 'https://evil.example', 'content-type': 'application/json', 'access-control-request-method': 'POST' },
      ...(method === 'POST' ? { body: JSON.stringify({ query: '{ __typename }' }) } : {}),
    });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  }
  const allowed = await fetch(system.gatewayUrl, {
    method: 'POST',
    headers: { origin: ALLOWED, 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
});

it('sends security headers on the API and on every other route', async () => {
  for (const path of ['/graphql?query=%7B__typename%7D', '/healthz', '/']) {
    const response = await fetch(new URL(path, system.gatewayUrl), { headers: { 'apollo-require-preflight': 'true' }, redirect: 'manual' });
    expect([path, response.headers.get('x-content-type-options')]).toEqual([path, 'nosniff']);
    expect([path, response.headers.get('x-frame-options')]).toEqual([path, 'DENY']);
    expect([path, response.headers.get('referrer-policy')]).toEqual([path, 'no-referrer']);
  }
});

it('compresses a large result for a client that accepts gzip, and leaves small ones alone', async () => {
  const headers = { 'content-type': 'application/json', 'accept-encoding': 'gzip', ...(await system.issuer.headersFor(freshAdmin())) };
  const post = (query: string) =>
    new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      const req = request(system.gatewayUrl, { method: 'POST', headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ query }));
    });
  const large = await post('{ __schema { types { name description fields { name description } } } }');
  expect(large.encoding).toBe('gzip');
  expect(JSON.parse(gunzipSync(large.body).toString('utf8'))).toHaveProperty('data.__schema.types');
  const small = await post('{ __typename }');
  expect(small.encoding).toBeUndefined();
  expect(JSON.parse(small.body.toString('utf8'))).toEqual({ data: { __typename: 'Query' } });
});
