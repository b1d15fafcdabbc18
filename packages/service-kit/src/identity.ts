import { GraphQLError } from 'graphql';
import { SignJWT, jwtVerify } from 'jose';

/** Who the gateway verified the caller to be: the token's subject and the scopes it grants. */
export interface Identity {
  subject: string;
  scopes: readonly string[];
}

/** Carries the verified identity from the gateway to a subgraph. */
export const IDENTITY_HEADER = 'x-member-identity';

const ISSUER = 'members-platform-gateway';
const AUDIENCE = 'members-platform-subgraphs';
// Long enough for one request's slowest subgraph fetch, short enough that a captured header is
// useless soon after.
const LIFETIME_SECONDS = 60;

const keyOf = (secret: string) => new TextEncoder().encode(secret);

/** Scopes from an OAuth `scope` claim (space-separated); anything else grants none. */
export function scopesOf(claim: unknown): string[] {
  return typeof claim === 'string' ? claim.split(' ').filter((scope) => scope.length > 0) : [];
}

export const hasScope = (identity: Identity | null, scope: string): boolean => identity?.scopes.includes(scope) ?? false;

/**
 * The gateway's assertion of the caller, signed with the gateway secret so that only the gateway
 * can make one: a subgraph never believes an identity a client wrote itself. Valid for a minute
 * (the benchmark, which stands in for a gateway, signs longer ones).
 */
export function signIdentity(identity: Identity, secret: string, lifetimeSeconds = LIFETIME_SECONDS): Promise<string> {
  return new SignJWT({ scope: identity.scopes.join(' ') })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(identity.subject)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${lifetimeSeconds}s`)
    .sign(keyOf(secret));
}

/** Null when the header is absent (an anonymous caller); throws when it is present but not the gateway's. */
export async function readIdentity(header: string | undefined, secret: string): Promise<Identity | null> {
  return (await verifyIdentity(header, secret))?.identity ?? null;
}

async function verifyIdentity(header: string | undefined, secret: string) {
  if (header === undefined || header === '') return null;
  const { payload } = await jwtVerify(header, keyOf(secret), {
    algorithms: ['HS256'],
    issuer: ISSUER,
    audience: AUDIENCE,
    requiredClaims: ['sub', 'exp'],
  });
  return { identity: { subject: payload.sub!, scopes: scopesOf(payload['scope']) }, expiresAt: payload.exp! * 1000 };
}

/** Assertions a subgraph remembers at once; the oldest is forgotten beyond it. */
export const REMEMBERED_IDENTITIES = 10_000;

/**
 * `readIdentity` for a subgraph's every request. The gateway reuses a caller's assertion for half a
 * minute, so most requests carry one already verified: it is remembered until its own expiry,
 * never longer, and a refused one is never remembered (checked, and refused, every time).
 */
export function identityReader(
  secret: string,
  maxEntries = REMEMBERED_IDENTITIES,
): (header: string | undefined) => Promise<Identity | null> {
  const remembered = new Map<string, { identity: Identity; expiresAt: number }>();
  return async (header) => {
    if (header === undefined || header === '') return null;
    const known = remembered.get(header);
    if (known && known.expiresAt > Date.now()) return known.identity;
    if (known) remembered.delete(header);
    const verified = (await verifyIdentity(header, secret))!;
    remembered.set(header, verified);
    if (remembered.size > maxEntries) remembered.delete(remembered.keys().next().value!);
    return verified.identity;
  };
}

/** The operation needs a signed-in caller and has none. */
export class UnauthenticatedError extends GraphQLError {
  constructor(message = 'Sign in to do this.') {
    super(message, { extensions: { code: 'UNAUTHENTICATED' } });
  }
}

/** The caller is signed in but may not do or see this. */
export class ForbiddenError extends GraphQLError {
  constructor(message = 'You may not do this.') {
    super(message, { extensions: { code: 'FORBIDDEN' } });
  }
}
