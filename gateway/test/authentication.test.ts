import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, SignJWT, type JWK } from 'jose';
import { IDENTITY_HEADER, signIdentity } from '@mp/service-kit';
import { TEST_GATEWAY_SECRET } from '@mp/system-testkit';
import { remoteJwksVerifier, TokenRejectedError } from '../src/auth/token-verifier.js';
import { openDevIssuer } from '../src/auth/dev-issuer.js';
import { TestIssuer, TestSystem } from './support/system.js';
import { TEST_TRUST } from './support/issuer.js';

const ME = 'query { me { id nickname } }';
const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

let system: TestSystem;
let subgraphRequests = 0;
const countRequest = () => subgraphRequests++;

beforeAll(async () => {
  system = await TestSystem.start('postgres');
  system.membersServer.http.server.on('request', countRequest);
});
afterAll(() => system?.close());

async function post(headers: Record<string, string>, query = ME) {
  const response = await fetch(system.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return {
    status: response.status,
    wwwAuthenticate: response.headers.get('www-authenticate'),
    body: (await response.json()) as GraphQLBody,
  };
}

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

describe('a request without an Authorization header', () => {
  it('is anonymous: public fields answer, caller-only fields say UNAUTHENTICATED', async () => {
    const { status, body } = await post({});
    expect(status).toBe(200);
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('a valid bearer token', () => {
  it("proves the caller to the subgraphs: `me` is the token subject's member", async () => {
    const token = await system.issuer.token('alice-auth-test');
    const signUp = await post(
      { authorization: `Bearer ${token}` },
      'mutation { createMember(input: { email: "alice.auth@example.com", nickname: "aliceauth", birthDate: "1990-01-01" }) { member { id } userErrors { code } } }',
    );
    expect(signUp.body.errors).toBeUndefined();
    const { status, body } = await post({ authorization: `bearer ${token}` });
    expect(status).toBe(200);
    expect(body).toEqual({ data: { me: { id: expect.any(String), nickname: 'aliceauth' } } });
  });

  it('is accepted within 60 s of clock skew and refused beyond it', async () => {
    const justExpired = await system.issuer.token('skewed', undefined, { exp: now() - 30 });
    expect((await post({ authorization: `Bearer ${justExpired}` })).status).toBe(200);
    const notYetValid = await system.issuer.token('skewed', undefined, { nbf: now() + 30 });
    expect((await post({ authorization: `Bearer ${notYetValid}` })).status).toBe(200);
  });
});

describe('an Authorization header that does not prove a caller', () => {
  let stranger: TestIssuer;
  beforeAll(async () => {
    stranger = await TestIssuer.create();
  });

  const cases: [string, () => Promise<string>][] = [
    ['a malformed token', () => Promise.resolve('Bearer not.a.jwt')],
    ['another scheme', () => Promise.resolve('Basic YWxpY2U6c2VjcmV0')],
    ['a bare token without the Bearer scheme', async () => system.issuer.token('mallory')],
    ['an expired token (beyond the skew)', async () => `Bearer ${await system.issuer.token('mallory', undefined, { exp: now() - 120 })}`],
    [
      'a token not valid yet (beyond the skew)',
      async () => `Bearer ${await system.issuer.token('mallory', undefined, { nbf: now() + 120 })}`,
    ],
    ['the wrong issuer', async () => `Bearer ${await system.issuer.token('mallory', undefined, { iss: 'https://evil.example' })}`],
    ['the wrong audience', async () => `Bearer ${await system.issuer.token('mallory', undefined, { aud: 'another-api' })}`],
    ['no subject', async () => `Bearer ${await system.issuer.token('mallory', undefined, { sub: undefined })}`],
    ['no expiry', async () => `Bearer ${await system.issuer.token('mallory', undefined, { exp: undefined })}`],
    [
      'a signature by another key under the trusted key id',
      async () => {
        const { privateKey } = await generateKeyPair('ES256');
        return `Bearer ${await new SignJWT({ sub: 'mallory', iss: TEST_TRUST.issuer, aud: TEST_TRUST.audience, exp: now() + 300 })
          .setProtectedHeader({ alg: 'ES256', kid: system.issuer.publicJwk.kid! })
          .sign(privateKey)}`;
      },
    ],
    ['an unknown key', async () => `Bearer ${await stranger.token('mallory')}`],
    [
      'alg "none"',
      () =>
        Promise.resolve(
          `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'mallory', iss: TEST_TRUST.issuer, aud: TEST_TRUST.audience, exp: now() + 300 })}.`,
        ),
    ],
    [
      'HS256 signed with the public key as the secret',
      () => {
        const header = base64url({ alg: 'HS256', typ: 'JWT', kid: system.issuer.publicJwk.kid });
        const payload = base64url({
          sub: 'mallory',
          iss: TEST_TRUST.issuer,
          aud: TEST_TRUST.audience,
          exp: now() + 300,
          scope: 'members:admin',
        });
        const secret = JSON.stringify(system.issuer.publicJwk);
        const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
        return Promise.resolve(`Bearer ${header}.${payload}.${signature}`);
      },
    ],
  ];

  it.each(cases)('%s: HTTP 401, WWW-Authenticate invalid_token, UNAUTHENTICATED, no subgraph contacted', async (_name, authorization) => {
    const header = await authorization();
    const before = subgraphRequests;
    const { status, wwwAuthenticate, body } = await post({ authorization: header });
    expect(status).toBe(401);
    expect(wwwAuthenticate).toMatch(/^Bearer error="invalid_token"/);
    expect(body.data).toBeUndefined();
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(subgraphRequests).toBe(before);
  });
});

describe('the identity the subgraphs receive', () => {
  it('cannot be written by a client: an identity header sent to the gateway is ignored', async () => {
    const forged = await signIdentity({ subject: 'someone-else', scopes: ['members:admin'] }, 'a-guessed-secret-0123456789abcdef');
    const { body } = await post({ [IDENTITY_HEADER]: forged });
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });

  it('is refused by a subgraph unless the gateway signed it, even with the gateway secret', async () => {
    const ask = async (identity: string) =>
      (
        await fetch(system.membersUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-gateway-secret': TEST_GATEWAY_SECRET, [IDENTITY_HEADER]: identity },
          body: JSON.stringify({ query: ME }),
        })
      ).status;
    const admin = { subject: 'admin', scopes: ['members:admin'] };
    expect(await ask(await signIdentity(admin, 'not-the-gateway-secret-0123456789abcdef'))).toBe(401);
    expect(await ask(`${base64url({ alg: 'none' })}.${base64url({ sub: 'admin', scope: 'members:admin' })}.`)).toBe(401);
    expect(await ask(await signIdentity(admin, TEST_GATEWAY_SECRET))).toBe(200);
  });
});

describe('keys from a remote JWKS', () => {
  let jwksServer: Server;
  let published: JWK[] = [];
  let fetches = 0;
  let jwksUrl: string;

  beforeAll(async () => {
    jwksServer = createServer((_req, res) => {
      fetches++;
      res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => new Promise((resolve) => jwksServer.close(resolve)));

  it('follows a key rotation without a restart, refetching at most once per cooldown for unknown keys', async () => {
    const first = await TestIssuer.create();
    const rotated = await TestIssuer.create();
    published = [first.publicJwk];
    const cooldownMs = 300;
    const verifier = remoteJwksVerifier(jwksUrl, TEST_TRUST, cooldownMs);

    await expect(verifier.verify(await first.token('carol'))).resolves.toEqual({ subject: 'carol', scopes: [] });
    expect(fetches).toBe(1);

    // The issuer rotates: the new key id is unknown to the cache, so the set is fetched again
    // (once the cooldown since the last fetch has passed).
    published = [first.publicJwk, rotated.publicJwk];
    await new Promise((resolve) => setTimeout(resolve, cooldownMs + 50));
    await expect(verifier.verify(await rotated.token('carol', 'members:read'))).resolves.toEqual({
      subject: 'carol',
      scopes: ['members:read'],
    });
    expect(fetches).toBe(2);

    // A flood of tokens naming keys nobody published cannot make the gateway hammer the issuer.
    const strangers = await Promise.all([1, 2, 3, 4, 5].map(() => TestIssuer.create()));
    for (const stranger of strangers) {
      await expect(verifier.verify(await stranger.token('mallory'))).rejects.toBeInstanceOf(TokenRejectedError);
    }
    expect(fetches).toBe(2);
  });

  it('answers 503, not 401, when the issuer cannot be reached', async () => {
    const issuer = await TestIssuer.create();
    const unreachable = remoteJwksVerifier('http://127.0.0.1:9/jwks.json', TEST_TRUST);
    await expect(unreachable.verify(await issuer.token('dave'))).rejects.not.toBeInstanceOf(TokenRejectedError);
  });
});

describe('the development issuer', () => {
  it('keeps one key under its folder (owner-only), so tokens minted by `npm run token` verify after a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dev-issuer-'));
    const minted = await (await openDevIssuer(dir)).mint('erin', ['members:read']);
    const restarted = await openDevIssuer(dir);
    await expect(restarted.verifier.verify(minted)).resolves.toEqual({ subject: 'erin', scopes: ['members:read'] });
    const [keyFile] = await readdir(dir);
    expect((await stat(join(dir, keyFile!))).mode & 0o077).toBe(0);
    // Its tokens mean nothing to a gateway that trusts a real issuer.
    await expect(system.issuer.verifier().verify(minted)).rejects.toBeInstanceOf(TokenRejectedError);
    await rm(dir, { recursive: true });
  });
});
