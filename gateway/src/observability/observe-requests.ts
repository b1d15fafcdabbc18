import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { ApolloServerPlugin } from '@apollo/server';
import { serverSpanOf, type Logger } from '@mp/service-kit';
import { trace } from '@opentelemetry/api';
import type { GatewayContext } from '../context.js';
import { rejectionReason, type GatewayMetrics } from './gateway-metrics.js';
import { newObservation, secondsSince } from './request-observation.js';

const codeOf = (code: unknown): string => (typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR');

// Enough to follow one caller through the logs; not reversible to the account.
const hashed = (subject: string) => createHash('sha256').update(subject).digest('hex').slice(0, 16);

/**
 * One access-log line and the metrics of each GraphQL request, written when it ends however it
 * ends (answered, refused before Apollo, or abandoned by the client). Never the token, never the
 * variables; the subject only hashed.
 */
export function observeRequests(metrics: GatewayMetrics, logger: Logger): RequestHandler {
  return (req, res, next) => {
    const observation = newObservation();
    res.locals['observation'] = observation;
    res.once('close', () => {
      // The close event runs outside the request's context: the ids come from its span.
      const ids = serverSpanOf(res)?.spanContext();
      const traceIds = ids && trace.isSpanContextValid(ids) ? { trace_id: ids.traceId, span_id: ids.spanId } : {};
      const seconds = secondsSince(observation.startedAt);
      const codes = observation.errorCodes;
      const rejected = observation.rejected === true || res.statusCode >= 400;
      metrics.errors(codes);
      for (const reason of new Set(codes.map((code) => rejectionReason(code, res.statusCode)))) if (reason) metrics.rejected(reason);
      metrics.operation(
        observation.operationName,
        observation.operationType,
        rejected ? 'rejected' : codes.length > 0 ? 'error' : 'success',
        seconds,
      );
      logger.info(
        {
          requestId: observation.requestId,
          ...traceIds,
          method: req.method,
          operationName: observation.operationName ?? null,
          status: res.statusCode,
          durationMs: Math.round(seconds * 1000 * 10) / 10,
          errorCodes: codes,
          ...(observation.subject ? { subject: hashed(observation.subject) } : {}),
          ...(res.writableFinished ? {} : { abandoned: true }),
        },
        'request',
      );
    });
    next();
  };
}

/** Tells the request's observation what Apollo learned: the operation, and the error codes it answered with. */
export const observeOperations = (): ApolloServerPlugin<GatewayContext> => ({
  requestDidStart: ({ contextValue }) =>
    Promise.resolve({
      didResolveOperation: ({ operation, operationName }) => {
        contextValue.observation.operationName = operationName ?? undefined;
        contextValue.observation.operationType = operation?.operation;
        return Promise.resolve();
      },
      willSendResponse: ({ response, request }) => {
        const observation = contextValue.observation;
        observation.operationName ??= request.operationName ?? undefined;
        if (response.body.kind === 'single') {
          const { errors, data } = response.body.singleResult;
          observation.errorCodes.push(...(errors ?? []).map((error) => codeOf(error.extensions?.['code'])));
          observation.rejected = errors !== undefined && data === undefined;
        }
        return Promise.resolve();
      },
    }),
});
