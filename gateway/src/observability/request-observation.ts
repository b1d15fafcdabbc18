import { randomUUID } from 'node:crypto';
import type { Response } from 'express';

/** What one request did, filled in as it goes and read once it ends (access log, metrics). */
export interface RequestObservation {
  requestId: string;
  startedAt: bigint;
  operationName?: string;
  operationType?: string;
  subject?: string;
  /** Refused whole: the response has errors and no data. */
  rejected?: boolean;
  errorCodes: string[];
}

export const newObservation = (): RequestObservation => ({ requestId: randomUUID(), startedAt: process.hrtime.bigint(), errorCodes: [] });

/** The request's observation; a response that never had one (a route outside /graphql) gets a fresh one. */
export function observationOf(res: Response): RequestObservation {
  const existing = res.locals['observation'] as RequestObservation | undefined;
  if (existing) return existing;
  const created = newObservation();
  res.locals['observation'] = created;
  return created;
}

/** Error codes that are the system's failure, not the caller's: such a request's trace is always kept. */
const SERVER_FAULT_CODES = new Set(['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE', 'REQUEST_DEADLINE_EXCEEDED', 'SUBGRAPH_HTTP_ERROR']);

export const hasServerFault = (observation: RequestObservation): boolean =>
  observation.errorCodes.some((code) => SERVER_FAULT_CODES.has(code));

export const secondsSince = (startedAt: bigint): number => Number(process.hrtime.bigint() - startedAt) / 1e9;
