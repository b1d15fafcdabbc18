/**
 * Apollo Gateway's spans the gateway does not make: request, validation, execution, each fetch and
 * post-processing wrap work that the request's SERVER span and the fetches' CLIENT spans already
 * show, and each span costs CPU on every request. `gateway.plan` (planning time, cold or cached)
 * is kept.
 */
export const SKIPPED_GATEWAY_SPANS = ['gateway.request', 'gateway.validate', 'gateway.execute', 'gateway.fetch', 'gateway.postprocessing'];
