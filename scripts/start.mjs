#!/usr/bin/env node
// `npm start`: builds, then runs the whole system locally (both subgraphs and the gateway, each
// its own process) on the embedded database unless *_DATABASE_URL variables point at PostgreSQL.
// It prints one block once the gateway answers with every subgraph behind it; Ctrl-C stops all
// three cleanly. `--no-build` runs the last build as it is.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWithProgress } from './lib/build-progress.mjs';
import { startSupervisor } from './lib/supervisor.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = process.env;
const startedAt = performance.now();

if (!process.argv.includes('--no-build')) {
  const built = await buildWithProgress(root);
  if (!built) process.exit(1);
}

const host = env.HOST ?? '127.0.0.1';
const ports = { gateway: env.PORT ?? '4000', members: env.MEMBERS_PORT ?? '4001', history: env.NICKNAME_HISTORY_PORT ?? '4002' };
// Prometheus scrapes each service on a port of its own (OpenTelemetry's Prometheus exporter port, then the next two).
const metricsPorts = {
  gateway: env.GATEWAY_METRICS_PORT ?? '9464',
  members: env.MEMBERS_METRICS_PORT ?? '9465',
  history: env.NICKNAME_HISTORY_METRICS_PORT ?? '9466',
};
const local = (port, path) => `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}${path}`;
// Where the services find each other follows the ports, unless the operator routes them elsewhere.
const membersUrl = env.MEMBERS_URL ?? local(ports.members, '/graphql');
const historyUrl = env.NICKNAME_HISTORY_URL ?? local(ports.history, '/graphql');
const historyEventsUrl = env.NICKNAME_HISTORY_EVENTS_URL ?? local(ports.history, '/internal/events');
// Secrets shared by the three processes; generated per run unless the operator provides them.
const shared = {
  HOST: host,
  GATEWAY_SECRET: env.GATEWAY_SECRET ?? randomBytes(32).toString('hex'),
  EVENTS_SECRET: env.EVENTS_SECRET ?? randomBytes(32).toString('hex'),
};

const supervisor = startSupervisor(root, [
  {
    name: 'members',
    entry: 'subgraphs/members/dist/main.js',
    env: { ...shared, PORT: ports.members, METRICS_PORT: metricsPorts.members, NICKNAME_HISTORY_EVENTS_URL: historyEventsUrl },
    readyUrl: local(ports.members, '/readyz'),
  },
  {
    name: 'nickname-history',
    entry: 'subgraphs/nickname-history/dist/main.js',
    env: { ...shared, PORT: ports.history, METRICS_PORT: metricsPorts.history },
    readyUrl: local(ports.history, '/readyz'),
  },
  {
    // Started with the others to overlap module loading; it serves GraphQL only once both
    // subgraphs answer (its /readyz says so), so no early request can trip a circuit breaker.
    name: 'gateway',
    entry: 'gateway/dist/main.js',
    env: { ...shared, PORT: ports.gateway, METRICS_PORT: metricsPorts.gateway, MEMBERS_URL: membersUrl, NICKNAME_HISTORY_URL: historyUrl },
    readyUrl: local(ports.gateway, '/readyz'),
  },
]);

const ready = await supervisor.ready;
if (!ready) process.exit(await supervisor.exited);

const gatewayBase = local(ports.gateway, '');
const graphiql = (await fetch(`${gatewayBase}/graphiql/`).catch(() => null))?.ok ?? false;
const redact = (url) => {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
};
const data = (variable, dirVariable, defaultDir) =>
  env[variable] ? `PostgreSQL ${redact(env[variable])}` : `${resolve(root, env[dirVariable] ?? defaultDir)} (embedded PostgreSQL)`;
const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);

console.log(
  [
    '',
    `Members platform is running (ready in ${seconds} s)`,
    `  GraphQL    ${gatewayBase}/graphql`,
    `  GraphiQL   ${graphiql ? `${gatewayBase}/graphiql/` : 'off (GRAPHIQL_ENABLED / INTROSPECTION_ENABLED)'}`,
    `  Metrics    ${local(metricsPorts.gateway, '/metrics')} (members ${metricsPorts.members}, nickname-history ${metricsPorts.history})`,
    `  Data       members: ${data('MEMBERS_DATABASE_URL', 'MEMBERS_DATA_DIR', '.data/members')}`,
    `             nickname-history: ${data('NICKNAME_HISTORY_DATABASE_URL', 'NICKNAME_HISTORY_DATA_DIR', '.data/nickname-history')}`,
    env.AUTH_ISSUER
      ? `  Sign-in    tokens of ${env.AUTH_ISSUER}`
      : '  Sign-in    development issuer: npm run token -- --sub <you> [--scope "members:read members:admin"]',
    '  Stop       Ctrl-C (once: clean shutdown; twice: force)',
    '',
  ].join('\n'),
);
process.exit(await supervisor.exited);
