// HAProxy (Debian's package) as a child process with a configuration of our own: in front of the
// gateways and between the gateways and each subgraph's replicas, health-checked on /readyz. It
// is never started as the system service: `haproxy -db` runs in the foreground and stops with us.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '@mp/testkit';
import { hasExited } from './system-processes.js';

const DEBIAN_BINARY = '/usr/sbin/haproxy';

const isExecutable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * The HAProxy binary: HAPROXY_PATH, else Debian's, installed with apt-get when missing and this
 * user is root (Debian's policy-rc.d or systemd's absence keeps the packaged service from running;
 * we never start it).
 */
export function ensureHaproxy(): string {
  const configured = process.env['HAPROXY_PATH'];
  if (configured) {
    if (!isExecutable(configured)) throw new Error(`HAPROXY_PATH=${configured} is not an executable file`);
    return configured;
  }
  if (isExecutable(DEBIAN_BINARY)) return DEBIAN_BINARY;
  if (process.getuid?.() !== 0) throw new Error(`HAProxy is missing: run "sudo apt-get install -y haproxy" (or set HAPROXY_PATH)`);
  process.stderr.write("installing Debian's haproxy package (once; apt-get)…\n");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', 'haproxy'],
  ]) {
    const result = spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
    if (result.status !== 0) throw new Error(`"apt-get ${args.join(' ')}" failed: install haproxy yourself`);
  }
  if (!isExecutable(DEBIAN_BINARY)) throw new Error(`apt-get installed haproxy but ${DEBIAN_BINARY} is missing: set HAPROXY_PATH`);
  return DEBIAN_BINARY;
}

export interface BalancedTier {
  /** Backend name, e.g. `gateways`. */
  name: string;
  /** Where the tier's clients connect (the front door, or a gateway's MEMBERS_URL). */
  listenPort: number;
  servers: { name: string; port: number }[];
}

export interface HealthCheck {
  /** Between checks (ms), and while a server is changing state. */
  interMs: number;
  fastInterMs: number;
  /** Failed checks that take a server out; passed checks that bring it back. */
  fall: number;
  rise: number;
}

export const FAST_HEALTH_CHECK: HealthCheck = { interMs: 250, fastInterMs: 100, fall: 2, rise: 2 };

/** How long, at worst, HAProxy takes to take a server that turned /readyz to 503 out of rotation. */
export const detectionTimeMs = (check: HealthCheck) => check.interMs + (check.fall - 1) * check.fastInterMs + 1_000;

/**
 * One configuration for every tier. Retries are limited to what is safe to repeat:
 * - `retry-on conn-failure` (the request was never sent) applies to everything, mutations too;
 * - retries after a request was sent (empty or junk response, 502/503) apply to GraphQL queries only:
 *   the request body is buffered (`option http-buffer-request`) and `disable-l7-retry` turns them
 *   off for a body that contains `mutation` anywhere, or that carries no document text at all (a
 *   persisted document sent by id could be a mutation). A false positive only costs a retry.
 * `option redispatch 1` sends every retry to another server; `retries 3` bounds them.
 */
export function haproxyConfig(tiers: BalancedTier[], statsPort: number, check: HealthCheck = FAST_HEALTH_CHECK): string {
  const lines = [
    'global',
    '  nbthread 1',
    '  maxconn 4096',
    '  hard-stop-after 3s',
    '  log stdout format raw local0',
    '',
    'defaults',
    '  mode http',
    '  log global',
    '  option httplog',
    '  timeout connect 1s',
    '  timeout client 30s',
    '  timeout server 15s',
    '  timeout queue 5s',
    // A busy replica may take longer than `inter` to answer /readyz: slowness is not a failed check.
    '  timeout check 2s',
    '  timeout http-request 10s',
    // Longer than the gateway fetcher's 15 s idle: the balancer never closes a connection under it.
    '  timeout http-keep-alive 30s',
    '  option http-buffer-request',
    '  retries 3',
    '  option redispatch 1',
    '  retry-on conn-failure empty-response junk-response 502 503',
    `  default-server check inter ${check.interMs} fastinter ${check.fastInterMs} downinter ${check.interMs} fall ${check.fall} rise ${check.rise}`,
    '',
    'frontend stats',
    `  bind 127.0.0.1:${statsPort}`,
    '  stats enable',
    '  stats uri /stats',
    '',
  ];
  for (const tier of tiers) {
    lines.push(
      `frontend ${tier.name}-in`,
      `  bind 127.0.0.1:${tier.listenPort}`,
      `  default_backend ${tier.name}`,
      '',
      `backend ${tier.name}`,
      '  balance roundrobin',
      '  option httpchk GET /readyz',
      '  http-check expect status 200',
      '  acl graphql_document req.body -m reg "\\"query\\"[[:space:]]*:"',
      '  acl graphql_mutation req.body -m sub -i mutation',
      '  http-request disable-l7-retry if graphql_mutation || !graphql_document',
      ...tier.servers.map((server) => `  server ${server.name} 127.0.0.1:${server.port}`),
      '',
    );
  }
  return lines.join('\n');
}

/** Server name → HAProxy's status (`UP`, `DOWN`, `UP 1/2`, `MAINT`, …), per backend. */
export type ServerStates = Map<string, Map<string, string>>;

export class HaproxyProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly statsUrl: string,
  ) {}

  /** Writes `config` into `dir`, checks it (`haproxy -c`), and runs HAProxy in the foreground (`-db`), logging to `dir`. */
  static async start(binary: string, dir: string, config: string, statsPort: number): Promise<HaproxyProcess> {
    const file = join(dir, 'haproxy.cfg');
    writeFileSync(file, config);
    const checked = spawnSync(binary, ['-c', '-q', '-f', file], { encoding: 'utf8' });
    if (checked.status !== 0) throw new Error(`haproxy refused ${file}:\n${checked.stdout}${checked.stderr}`);
    const log = openSync(join(dir, 'haproxy.log'), 'a');
    const child = spawn(binary, ['-f', file, '-db'], { stdio: ['ignore', log, log] });
    const statsUrl = `http://127.0.0.1:${statsPort}/stats;csv`;
    const proxy = new HaproxyProcess(child, statsUrl);
    await waitFor(
      'HAProxy to serve its stats',
      () =>
        hasExited(child)
          ? 'exited'
          : proxy.serverStates().then(
              () => 'up',
              () => 'starting',
            ),
      (state) => state !== 'starting',
      { timeoutMs: 10_000, intervalMs: 50 },
    ).then((state) => {
      if (state === 'exited') throw new Error(`haproxy exited at start; see ${join(dir, 'haproxy.log')}`);
    });
    return proxy;
  }

  async serverStates(): Promise<ServerStates> {
    const response = await fetch(this.statsUrl, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) throw new Error(`HAProxy stats answered ${response.status}`);
    const [header, ...rows] = (await response.text()).trim().split('\n');
    const columns = (header ?? '').replace(/^# /, '').split(',');
    const [proxyAt, serverAt, statusAt] = ['pxname', 'svname', 'status'].map((name) => columns.indexOf(name)) as [number, number, number];
    const states: ServerStates = new Map();
    for (const row of rows) {
      const cells = row.split(',');
      const [backend, server, status] = [cells[proxyAt]!, cells[serverAt]!, cells[statusAt]!];
      if (server === 'FRONTEND' || server === 'BACKEND') continue;
      if (!states.has(backend)) states.set(backend, new Map());
      states.get(backend)!.set(server, status);
    }
    return states;
  }

  /** Servers of `backend` HAProxy sends requests to now. */
  async upCount(backend: string): Promise<number> {
    const servers = (await this.serverStates()).get(backend) ?? new Map<string, string>();
    return [...servers.values()].filter((status) => status.startsWith('UP')).length;
  }

  async stop(): Promise<void> {
    if (hasExited(this.child)) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  }
}
