import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestHandler } from 'express';
import { GATEWAY_SECRET_HEADER, type Logger } from '@mp/service-kit';
import { sendGraphQLError } from './graphql-error-response.js';

export interface StartupGateOptions {
  subgraphUrls: Readonly<Record<string, string>>;
  gatewaySecret: string;
  logger: Logger;
  /** Deadline of one probe request. */
  probeTimeoutMs?: number;
  /** Longest pause between probes of a subgraph that does not answer yet. */
  maxIntervalMs?: number;
}

export interface StartupGate {
  /** Resolves once every subgraph has answered a probe; never, if stopped first. */
  readonly ready: Promise<void>;
  /** Subgraphs that have not answered yet; empty once ready. */
  waitingFor(): string[];
  /** Refuses GraphQL requests with 503 until every subgraph has answered. */
  holdRequests: RequestHandler;
  /** Stops probing (on shutdown before readiness). */
  stop(): void;
}

const FIRST_INTERVAL_MS = 50;
const WARN_EVERY_MS = 10_000;
/** The smallest operation every GraphQL server answers; it goes through the route and the secret check. */
const PROBE_BODY = JSON.stringify({ query: '{ __typename }' });

/**
 * The gateway serves GraphQL only once every subgraph has answered once. Before that, a request
 * would fail with SERVICE_UNAVAILABLE and, worse, its refused connection would count against
 * the subgraph's circuit breaker, which then fails everyone fast for its reset time: so early
 * requests get a 503 "starting" instead, and `/readyz` stays 503 so a load balancer sends none.
 * Probes bypass the breaker. After start-up a subgraph outage is the breaker's business: the
 * gateway stays ready and serves what the other subgraphs own.
 */
export function createStartupGate(options: StartupGateOptions): StartupGate {
  const { logger, gatewaySecret } = options;
  const probeTimeoutMs = options.probeTimeoutMs ?? 2_000;
  const maxIntervalMs = options.maxIntervalMs ?? 250;
  const waiting = new Set(Object.keys(options.subgraphUrls));
  const stopController = new AbortController();

  const probe = async (url: string): Promise<string | null> => {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [GATEWAY_SECRET_HEADER]: gatewaySecret },
        body: PROBE_BODY,
        signal: AbortSignal.any([AbortSignal.timeout(probeTimeoutMs), stopController.signal]),
      });
      await response.body?.cancel();
      if (response.ok) return null;
      return response.status === 401 ? 'HTTP 401: the subgraph refuses this GATEWAY_SECRET' : `HTTP ${response.status}`;
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      return cause instanceof Error ? cause.message : String(cause);
    }
  };

  const awaitSubgraph = async (name: string, url: string): Promise<void> => {
    const started = Date.now();
    let lastWarning = started;
    let interval = FIRST_INTERVAL_MS;
    for (;;) {
      const failure = await probe(url);
      if (stopController.signal.aborted) return new Promise<never>(() => {});
      if (failure === null) {
        waiting.delete(name);
        logger.info({ subgraph: name, waitedMs: Date.now() - started }, 'subgraph reachable');
        return;
      }
      if (Date.now() - lastWarning >= WARN_EVERY_MS) {
        lastWarning = Date.now();
        logger.warn({ subgraph: name, url, reason: failure, waitingMs: lastWarning - started }, 'still waiting for subgraph');
      }
      await sleep(interval, undefined, { signal: stopController.signal }).catch(() => undefined);
      interval = Math.min(interval * 2, maxIntervalMs);
    }
  };

  const ready = Promise.all(Object.entries(options.subgraphUrls).map(([name, url]) => awaitSubgraph(name, url))).then(() => undefined);

  return {
    ready,
    waitingFor: () => [...waiting],
    holdRequests: (req, res, next) => {
      if (waiting.size === 0) {
        next();
        return;
      }
      res.setHeader('retry-after', '1');
      sendGraphQLError(req, res, 503, `The gateway is starting: waiting for ${[...waiting].join(', ')}`, 'SERVICE_UNAVAILABLE');
    },
    stop: () => stopController.abort(),
  };
}
