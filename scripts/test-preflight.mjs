#!/usr/bin/env node
// First step of `npm test`: makes sure what the tests talk to is there, so that a new machine
// either passes or is told in one line what to install. Chromium (for the GraphiQL browser test)
// is installed from Debian's packages when it is missing and this user can; nothing is ever
// downloaded from outside the package registries.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { connect } from 'node:net';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

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

function ensureChromium() {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!isExecutable(configured)) fail(`CHROMIUM_PATH=${configured} is not an executable file: point it at a Chromium or Chrome binary.`);
    return;
  }
  if (isExecutable(DEBIAN_CHROMIUM)) return;
  const canInstall = process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!canInstall) {
    fail(
      `the GraphiQL browser test needs Chromium: run "sudo apt-get install -y chromium" (or set CHROMIUM_PATH to a Chromium/Chrome binary).`,
    );
  }
  console.log("npm test: installing Debian's chromium package for the GraphiQL browser test (once; apt-get)...");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', 'chromium'],
  ]) {
    const result = spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
    if (result.status !== 0)
      fail(`"apt-get ${args.join(' ')}" failed: install Chromium with "apt-get install -y chromium" and run npm test again.`);
  }
  if (!isExecutable(DEBIAN_CHROMIUM)) fail(`apt-get installed chromium but ${DEBIAN_CHROMIUM} is missing: set CHROMIUM_PATH.`);
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
ensureChromium();
