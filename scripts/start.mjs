#!/usr/bin/env node
// Runs the whole system locally: both subgraphs and the gateway, each in its own process, on the
// embedded database unless *_DATABASE_URL variables point at PostgreSQL. Ctrl-C stops all three.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// Secrets shared by the three processes; generated per run unless the operator provides them.
const shared = {
  GATEWAY_SECRET: process.env.GATEWAY_SECRET ?? randomBytes(32).toString('hex'),
  EVENTS_SECRET: process.env.EVENTS_SECRET ?? randomBytes(32).toString('hex'),
};
const services = [
  { name: 'members', entry: 'subgraphs/members/dist/main.js', env: { PORT: process.env.MEMBERS_PORT ?? '4001' } },
  { name: 'nickname-history', entry: 'subgraphs/nickname-history/dist/main.js', env: { PORT: process.env.NICKNAME_HISTORY_PORT ?? '4002' } },
  { name: 'gateway', entry: 'gateway/dist/main.js', env: { PORT: process.env.PORT ?? '4000' } },
];

let stopping = false;
const children = services.map(({ name, entry, env }) => {
  const child = spawn(process.execPath, [entry], {
    cwd: root,
    env: { ...process.env, ...shared, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${signal ?? code}); stopping the others`);
      stop(1);
    }
  });
  return child;
});

let exitCode = 0;
function stop(code = 0) {
  exitCode ||= code;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve() : child.on('exit', resolve)))));
process.exit(exitCode);
