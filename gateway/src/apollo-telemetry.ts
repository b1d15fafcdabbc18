// @apollo/gateway otherwise probes cloud metadata endpoints and exports usage metrics to Apollo
// from every process that constructs it. This system reports to no one: it must never phone
// home, so the switch is set before any gateway exists (the library reads only this variable).
process.env['APOLLO_TELEMETRY_DISABLED'] = 'true';

export {};
