import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from './logger.js';

export const REQUEST_ID_HEADER = 'x-request-id';
const REQUEST_ID_SHAPE = /^[\w-]{1,64}$/;

/** Keeps the gateway's request id so one client request can be followed across services. */
export function requestLogger(logger: Logger, headers: IncomingHttpHeaders): Logger {
  const given = headers[REQUEST_ID_HEADER];
  const requestId = typeof given === 'string' && REQUEST_ID_SHAPE.test(given) ? given : randomUUID();
  return logger.child({ requestId });
}
