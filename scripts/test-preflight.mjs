#!/usr/bin/env node
// First step of `npm test`: makes sure what the tests talk to is there, so that a new machine
// either passes or is told in one line what to install. Chromium (for the GraphiQL browser test),
// promtool (for the alert rule tests) and HAProxy (for the load-balancer tests) are installed from
// Debian's packages when they are missing and this user can; nothing is ever downloaded from
// outside the package registries.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import { connect } from 'node:net';

const isExecutable = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};
const fail = (line) => {
  console.error(`npm test: ${line}`);
  process.exit(1);
};

/** Debian's `pkg` providing `binary`, installed with apt-get when missing and this user can (root). */
function ensureDebianPackage({ binary, pkg, purpose, pathVariable }) {
  const configured = process.env[pathVariable];
  if (configured) {
    if (!isExecutable(configured)) fail(`${pathVariable}=${configured} is not an executable file.`);
    return;
  }
  if (isExecutable(binary)) return;
  const canInstall = process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!canInstall) fail(`${purpose} needs ${binary}: run "sudo apt-get install -y ${pkg}" (or set ${pathVariable}).`);
  console.log(`npm test: installing Debian's ${pkg} package for ${purpose} (once; apt-get)...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', pkg],
  ]) {
    const result = spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
    if (result.status !== 0)
      fail(`"apt-get ${args.join(' ')}" failed: install it with "apt-get install -y ${pkg}" and run npm test again.`);
  }
  if (!isExecutable(binary)) fail(`apt-get installed ${pkg} but ${binary} is missing: set ${pathVariable}.`);
}

const reachable = (url) =>
  new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    socket.setTimeout(2_000);
    const settle = (isReachable) => {
      socket.destroy();
      resolve(isReachable);
    };
    socket.once('connect', () => settle(true));
    socket.once('timeout', () => settle(false));
    socket.once('error', () => settle(false));
  });

async function ensureServices() {
  const postgres = new URL(process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  postgres.port ||= '5432';
  const amqp = new URL(process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
  amqp.port ||= '5672';
  const redis = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  redis.port ||= '6379';
  const missing = [];
  if (!(await reachable(postgres))) missing.push(`PostgreSQL at ${postgres.host} (TEST_POSTGRES_URL)`);
  if (!(await reachable(amqp))) missing.push(`RabbitMQ at ${amqp.host} (TEST_AMQP_URL)`);
  if (!(await reachable(redis))) missing.push(`Redis at ${redis.host} (TEST_REDIS_URL)`);
  if (missing.length > 0) fail(`the tests need ${missing.join(', ')}: start ${missing.length > 1 ? 'them' : 'it'} and run npm test again.`);
}

await ensureServices();
ensureDebianPackage({ binary: '/usr/bin/chromium', pkg: 'chromium', purpose: 'the GraphiQL browser test', pathVariable: 'CHROMIUM_PATH' });
ensureDebianPackage({
  binary: '/usr/bin/promtool',
  pkg: 'prometheus',
  purpose: 'the alert rule tests (tests/ops)',
  pathVariable: 'PROMTOOL_PATH',
});
ensureDebianPackage({
  binary: '/usr/sbin/haproxy',
  pkg: 'haproxy',
  purpose: 'the load balancer tests (gateway, tests/ops)',
  pathVariable: 'HAPROXY_PATH',
});

// The read-replica tests make their own primary and streaming replica with the server binaries of
// the PostgreSQL the tests already use (as the postgres user when run as root).
const postgresBinaries = (() => {
  try {
    return readdirSync('/usr/lib/postgresql').some((version) => isExecutable(`/usr/lib/postgresql/${version}/bin/pg_basebackup`));
  } catch {
    return false;
  }
})();
if (!postgresBinaries)
  fail(
    "the read-replica tests need PostgreSQL's server binaries under /usr/lib/postgresql/<version>/bin: install Debian's postgresql package.",
  );
if (process.getuid?.() === 0 && spawnSync('id', ['-u', 'postgres'], { stdio: 'ignore' }).status !== 0)
  fail(
    "the read-replica tests run PostgreSQL as the postgres user when run as root, and there is none: install Debian's postgresql package.",
  );
