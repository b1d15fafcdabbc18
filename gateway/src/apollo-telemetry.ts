// @apollo/gateway otherwise probes cloud metadata endpoints and exports usage metrics to Apollo
// from every process that constructs it. This system reports to no one: it must never phone
// home, so the switch is set before any gateway exists (the library reads only this variable).
// eslint-disable-next-line no-restricted-properties -- a library switch written, not configuration read
process.env['APOLLO_TELEMETRY_DISABLED'] = 'true';

export {};
