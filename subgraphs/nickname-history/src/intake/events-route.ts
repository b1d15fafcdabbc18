import { Router } from 'express';
import { eventBatchSchema } from '@mp/events';
import { continueRequestTrace, EVENTS_SECRET_HEADER, jsonBody, requireSharedSecret, traceRequests, type Logger } from '@mp/service-kit';
import { recordNicknameChanges, type HistoryDb } from '../data/history-repository.js';
import type { RecordedEvents } from './intake-metrics.js';

/**
 * Event intake: a 200 means every event in the batch is durably stored (or already was), so
 * the producer may mark it delivered. A malformed batch is a 400 and stores nothing.
 */
export function eventsRoute(db: HistoryDb, secret: string, logger: Logger, recorded: RecordedEvents = () => {}): Router {
  const router = Router();
  const traced = traceRequests({ tracerName: 'nickname-history', route: '/internal/events' });
  router.post(
    '/internal/events',
    traced,
    requireSharedSecret(EVENTS_SECRET_HEADER, secret),
    jsonBody('1mb'),
    continueRequestTrace(),
    (req, res, next) => {
      const batch = eventBatchSchema.safeParse(req.body);
      if (!batch.success) {
        logger.warn({ issues: batch.error.issues.slice(0, 5) }, 'rejected malformed event batch');
        res.status(400).json({ error: 'malformed event batch', issues: batch.error.issues.slice(0, 5) });
        return;
      }
      recordNicknameChanges(db, batch.data.events).then((count) => {
        recorded(batch.data.events, 'http');
        res.json({ received: batch.data.events.length, recorded: count });
      }, next);
    },
  );
  return router;
}
