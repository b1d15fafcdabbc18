import type { AuthConfig } from '../env.js';
import { openDevIssuer } from './dev-issuer.js';
import { rememberVerifiedTokens } from './remembered-tokens.js';
import { remoteJwksVerifier, type TokenVerifier } from './token-verifier.js';

export async function tokenVerifierFor(auth: AuthConfig): Promise<TokenVerifier> {
  if (auth.kind === 'oidc')
    return rememberVerifiedTokens(remoteJwksVerifier(auth.jwksUrl, { issuer: auth.issuer, audience: auth.audience }));
  return rememberVerifiedTokens((await openDevIssuer(auth.keysDir)).verifier);
}
