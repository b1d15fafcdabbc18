import type { Identity } from '@mp/service-kit';
import type { RequestObservation } from './observability/request-observation.js';

export interface GatewayContext {
  requestId: string;
  /** What the access log and the metrics record of this request. */
  observation: RequestObservation;
  /** The caller the bearer token proved; null for an anonymous request. */
  identity: Identity | null;
  /** The identity signed for the subgraphs (IDENTITY_HEADER), made once per request; null when anonymous. */
  identityAssertion: string | null;
  /** The client's address (rate limits key anonymous callers by it). */
  clientAddress: string;
}
