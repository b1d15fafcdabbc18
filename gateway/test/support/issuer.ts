import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { localJwksVerifier, type TokenTrust, type TokenVerifier } from '../../src/auth/token-verifier.js';

export const TEST_TRUST: TokenTrust = { issuer: 'https://issuer.test.example', audience: 'members-platform-test' };

/** Who a test request is sent as: a token's subject and scopes, a raw Authorization value, or nobody. */
export type Caller = { sub: string; scope?: string } | { authorization: string } | 'anonymous';

let subjects = 0;
/** A caller with every right and an account of its own, so an outcome depends on the input alone. */
export const freshAdmin = (): Caller => ({ sub: `admin-${process.pid}-${++subjects}`, scope: 'members:admin' });
/** A caller with no scopes and a new account. */
export const freshMember = (): { sub: string } => ({ sub: `member-${process.pid}-${++subjects}` });

/** An OpenID Connect issuer in the test process: one ES256 signing key, published as a JWKS. */
export class TestIssuer {
  private constructor(
    private readonly privateKey: CryptoKey,
    readonly publicJwk: JWK,
    readonly trust: TokenTrust,
  ) {}

  static async create(trust: TokenTrust = TEST_TRUST): Promise<TestIssuer> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    return new TestIssuer(privateKey, { ...(await exportJWK(publicKey)), kid: randomUUID(), alg: 'ES256', use: 'sig' }, trust);
  }

  get jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  verifier(): TokenVerifier {
    return localJwksVerifier(this.jwks, this.trust);
  }

  /** A valid token for `subject`; `claims` override or add claims (e.g. an expired `exp`). */
  token(subject: string, scope?: string, claims: JWTPayload = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: this.trust.issuer,
      aud: this.trust.audience,
      sub: subject,
      iat: now,
      exp: now + 300,
      ...(scope ? { scope } : {}),
      ...claims,
    })
      .setProtectedHeader({ alg: 'ES256', kid: this.publicJwk.kid! })
      .sign(this.privateKey);
  }

  /** Request headers that send a request as `caller`. */
  async headersFor(caller: Caller): Promise<Record<string, string>> {
    if (caller === 'anonymous') return {};
    if ('authorization' in caller) return { authorization: caller.authorization };
    return { authorization: `Bearer ${await this.token(caller.sub, caller.scope)}` };
  }
}
