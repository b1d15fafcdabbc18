import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { localJwksVerifier, type TokenTrust, type TokenVerifier } from './token-verifier.js';

/**
 * A stand-in identity provider for `npm start` on a laptop: it signs tokens with a key kept under
 * .data/, and the gateway trusts it only when no real issuer is configured outside production.
 */
export const DEV_TRUST: TokenTrust = { issuer: 'urn:members-platform:dev-issuer', audience: 'members-platform' };

const ALGORITHM = 'ES256';
const KEY_FILE = 'signing-key.jwk.json';
const KEY_ID = 'dev-issuer-1';

export interface DevIssuer {
  verifier: TokenVerifier;
  /** A token for `subject` with these scopes, valid for `ttlSeconds`. */
  mint(subject: string, scopes: readonly string[], ttlSeconds?: number): Promise<string>;
}

async function readOrCreateKey(dir: string): Promise<JWK> {
  const file = join(dir, KEY_FILE);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as JWK;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: KEY_ID, alg: ALGORITHM };
  await mkdir(dir, { recursive: true });
  try {
    // `wx`: if the gateway and `npm run token` race to create it, one key wins and both use it.
    await writeFile(file, JSON.stringify(jwk), { flag: 'wx', mode: 0o600 });
    return jwk;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return JSON.parse(await readFile(file, 'utf8')) as JWK;
  }
}

/** The development issuer whose key lives in `dir` (created on first use). */
export async function openDevIssuer(dir: string): Promise<DevIssuer> {
  const privateJwk = await readOrCreateKey(dir);
  // The public half: the same key without its private component.
  const publicJwk: JWK = { ...privateJwk };
  delete publicJwk.d;
  const signingKey = await importJWK(privateJwk, ALGORITHM);
  return {
    verifier: localJwksVerifier({ keys: [publicJwk] }, DEV_TRUST),
    mint: (subject, scopes, ttlSeconds = 3600) =>
      new SignJWT(scopes.length > 0 ? { scope: scopes.join(' ') } : {})
        .setProtectedHeader({ alg: ALGORITHM, kid: KEY_ID, typ: 'JWT' })
        .setIssuer(DEV_TRUST.issuer)
        .setAudience(DEV_TRUST.audience)
        .setSubject(subject)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(signingKey),
  };
}
