import type { Identity } from '@mp/service-kit';

export interface GatewayContext {
  requestId: string;
  /** The caller the bearer token proved; null for an anonymous request. */
  identity: Identity | null;
  /** The identity signed for the subgraphs (IDENTITY_HEADER), made once per request; null when anonymous. */
  identityAssertion: string | null;
  /** The client's address (rate limits key anonymous callers by it). */
  clientAddress: string;
}
