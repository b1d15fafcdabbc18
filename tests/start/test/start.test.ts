// `npm start` as a person meets it: from the first moment they poll it, through the banner, to
// Ctrl-C, and again on the data the first run left.
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHANGE_NICKNAME, CREATE_MEMBER, waitFor } from '@mp/testkit';
import { openDevIssuer } from '@mp/gateway/dev-issuer';
import { LocalSystem, REPO_ROOT, freePorts, graphql, portClosed, type Ports } from './support/local-system.js';

const PAGE_ACROSS_BOTH_SUBGRAPHS = '{ members(first: 5) { edges { node { nickname nicknameHistory(first: 5) { totalCount } } } } }';

interface Observation {
  at: number;
  kind: 'graphql' | 'readyz';
  /** HTTP status, or 0 when the connection was refused. */
  status: number;
  codes: string[];
  messages: string[];
  hasData: boolean;
}

// Tokens of the development issuer the system trusts (its key lives in the test's data folder).
let readerToken: string;
let memberToken: string;

/** A client that keeps asking from the moment the command starts, as an impatient person would. */
function pollFromTheStart(system: LocalSystem) {
  const observations: Observation[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const at = performance.now();
      try {
        const { status, body } = await graphql<{ members: unknown }>(system.gatewayUrl, PAGE_ACROSS_BOTH_SUBGRAPHS, {}, readerToken);
        observations.push({
          at,
          kind: 'graphql',
          status,
          codes: (body.errors ?? []).map((error) => error.extensions?.code ?? ''),
          messages: (body.errors ?? []).map((error) => error.message),
          hasData: Boolean(body.data?.members),
        });
      } catch {
        observations.push({ at, kind: 'graphql', status: 0, codes: [], messages: [], hasData: false });
      }
      const readyz = await fetch(`http://127.0.0.1:${system.ports.gateway}/readyz`).then(
        (response) => response.status,
        () => 0,
      );
      observations.push({ at: performance.now(), kind: 'readyz', status: readyz, codes: [], messages: [], hasData: false });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    observations,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

describe('npm start (scripts/start.mjs) on the embedded database', () => {
  let dataDir: string;
  let ports: Ports;
  let env: Record<string, string>;
  let memberId = '';

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'start-test-'));
    env = {
      MEMBERS_DATA_DIR: join(dataDir, 'members'),
      NICKNAME_HISTORY_DATA_DIR: join(dataDir, 'nickname-history'),
      AUTH_DEV_KEYS_DIR: join(dataDir, 'dev-issuer'),
    };
    const issuer = await openDevIssuer(env['AUTH_DEV_KEYS_DIR']!);
    readerToken = await issuer.mint('start-test-reader', ['members:read']);
    memberToken = await issuer.mint('start-test-member', []);
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const started: LocalSystem[] = [];
  /** A system on ports of its own, so that nothing another test left behind can answer for it. */
  const startSystem = async () => {
    ports = await freePorts();
    const system = new LocalSystem(ports, env);
    started.push(system);
    return system;
  };
  afterEach(async () => {
    // A failed assertion must not leave a system running into the next test.
    await Promise.all(started.splice(0).map((system) => system.killAll()));
  });

  async function runUntilCtrlC(label: string, work: (system: LocalSystem) => Promise<void>) {
    const system = await startSystem();
    const poller = pollFromTheStart(system);
    const bannerAt = await system.banner();
    // Ask once more right after the banner, however the poller is timed.
    const afterBanner = await graphql(system.gatewayUrl, PAGE_ACROSS_BOTH_SUBGRAPHS, {}, readerToken);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await poller.stop();

    const firstData = poller.observations.find((observation) => observation.hasData);
    console.log(
      `${label}: banner after ${seconds(bannerAt - system.startedAt)}, first data after ${seconds(firstData!.at - system.startedAt)}`,
    );

    // Once the banner is out, every request is answered with data and no error.
    expect(afterBanner).toMatchObject({ status: 200, body: { data: { members: expect.anything() } } });
    expect(afterBanner.body.errors).toBeUndefined();
    const late = poller.observations.filter((observation) => observation.at >= bannerAt);
    expect(late.length).toBeGreaterThan(0);
    for (const observation of late) {
      if (observation.kind === 'graphql') expect(observation).toMatchObject({ status: 200, codes: [], hasData: true });
      else expect(observation.status).toBe(200);
    }
    // Before it, requests are refused or told the gateway is starting: never a subgraph
    // "unavailable" (which would also have counted against its circuit breaker).
    const messages = poller.observations.flatMap((observation) => observation.messages);
    expect(
      messages.filter(
        (message) =>
          message !== 'The gateway is starting: waiting for members, nickname-history' && !message.startsWith('The gateway is starting'),
      ),
    ).toEqual([]);
    for (const observation of poller.observations.filter((o) => o.kind === 'graphql' && o.at < bannerAt && o.status !== 0 && !o.hasData)) {
      expect(observation.status).toBe(503);
    }
    // The gateway's readiness follows the subgraphs': never 200 before both logged "ready".
    const subgraphsReadyAt = Math.max(
      ...['members subgraph ready', 'nickname-history subgraph ready'].map(
        (msg) => system.output.find(({ text }) => text.includes(`"msg":"${msg}"`))!.at,
      ),
    );
    const firstReadyz = poller.observations.find((observation) => observation.kind === 'readyz' && observation.status === 200);
    expect(firstReadyz!.at).toBeGreaterThanOrEqual(subgraphsReadyAt);
    expect(system.logs().filter((line) => line['msg'] === 'subgraph circuit opened: failing fast')).toEqual([]);

    await work(system);

    system.ctrlC();
    expect(await system.exited).toBe(0);
    const shutdowns = system.logs().filter((line) => line['msg'] === 'shutting down');
    expect(shutdowns.map((line) => line['service']).sort()).toEqual(['gateway', 'members', 'nickname-history']);
    expect(system.text()).not.toContain('second signal');
    // The supervisor's own lines go to stderr, the services' forwarded logs to stdout: two pipes,
    // read in no fixed order, so "last" is the last line of the supervisor's stream.
    expect(system.output.filter(({ stream }) => stream === 'stderr').at(-1)?.text).toBe('every service stopped cleanly');
    return system;
  }

  it('first run: says ready only when the whole system answers, prints where everything is, and stops cleanly on one Ctrl-C', async () => {
    const system = await runUntilCtrlC('first run (new data)', async (running) => {
      const created = await graphql<{ createMember: { member: { id: string } } }>(
        running.gatewayUrl,
        CREATE_MEMBER,
        { input: { email: 'first-run@example.com', nickname: 'first', birthDate: '1990-05-17' } },
        memberToken,
      );
      memberId = created.body.data!.createMember.member.id;
      await graphql(running.gatewayUrl, CHANGE_NICKNAME, { input: { memberId, nickname: 'second' } }, memberToken);
      const seed = spawnSync(process.execPath, ['scripts/seed.mjs'], {
        cwd: REPO_ROOT,
        env: { PATH: process.env['PATH'], GATEWAY_URL: running.gatewayUrl, AUTH_DEV_KEYS_DIR: env['AUTH_DEV_KEYS_DIR'] },
        encoding: 'utf8',
      });
      expect(seed.status).toBe(0);
      expect(seed.stdout).toMatch(/^Seeded 12 members and \d+ nickname changes/);
      // Each service serves Prometheus metrics on its own port, none on the public ones.
      const scrape = async (port: number) => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(await scrape(running.ports.metrics[0])).toMatch(/^graphql_operation_duration_seconds_count\{/m);
      expect(await scrape(running.ports.metrics[1])).toMatch(/^outbox_pending_events\{service="members"\} \d+/m);
      expect(await scrape(running.ports.metrics[2])).toMatch(/^http_server_request_duration_seconds_count\{/m);
    });
    const banner = system.text().slice(system.text().indexOf('Members platform is running'));
    expect(banner).toContain(`GraphQL    http://127.0.0.1:${ports.gateway}/graphql`);
    expect(banner).toContain(`GraphiQL   http://127.0.0.1:${ports.gateway}/graphiql/`);
    expect(banner).toContain(`members: ${env['MEMBERS_DATA_DIR']} (embedded PostgreSQL)`);
    expect(banner).toContain(`nickname-history: ${env['NICKNAME_HISTORY_DATA_DIR']} (embedded PostgreSQL)`);
    expect(banner).toContain(`Metrics    http://127.0.0.1:${ports.metrics[0]}/metrics`);
    expect(banner).toContain('Ctrl-C');
    // The relay found nickname-history on the port it was given, not on the default one.
    expect(system.logs().filter((line) => line['level'] === 50)).toEqual([]);
  });

  it.each(['second', 'third'])('%s run: reopens the data the run before closed, with the history the relay delivered', async (label) => {
    await runUntilCtrlC(`${label} run (existing data)`, async (running) => {
      type Page = { members: { edges: { node: { nickname: string; nicknameHistory: { totalCount: number } } }[] } };
      const page = await waitFor(
        'the first member with both history entries',
        () => graphql<Page>(running.gatewayUrl, PAGE_ACROSS_BOTH_SUBGRAPHS, {}, readerToken),
        (answer) => answer.body.data?.members.edges[0]?.node.nicknameHistory.totalCount === 2,
        { timeoutMs: 10_000, intervalMs: 100 },
      );
      // The member of the first run, then the seeded ones (oldest first).
      expect(page.body.data?.members.edges[0]).toEqual({ node: { nickname: 'second', nicknameHistory: { totalCount: 2 } } });
      expect(page.body.data?.members.edges).toHaveLength(5);
    });
  });

  it('stops every service when the command itself is killed', async () => {
    const system = await startSystem();
    await system.banner();
    system.kill('SIGKILL');
    const closed = async () => (await Promise.all([ports.gateway, ports.members, ports.history].map(portClosed))).every(Boolean);
    expect(await waitFor('every service to stop on its own', closed, Boolean, { intervalMs: 100 })).toBe(true);
  });

  it('exits non-zero with the failing service’s own error as the last thing printed', async () => {
    ports = await freePorts();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(ports.members, '127.0.0.1', resolve));
    try {
      const system = new LocalSystem(ports, env);
      started.push(system);
      const code = await Promise.race([
        system.exited,
        // Generous: CI runs this beside every other package's tests on two cores.
        new Promise((r) => setTimeout(() => r(`TIMEOUT ${system.text().slice(-3000)}`), 90_000)),
      ]);
      // On timeout the received value is the output so far, so the failure shows where it stuck.
      expect(code).toEqual(expect.any(Number));
      expect(code).not.toBe(0);
      const lines = system.output.filter(({ stream }) => stream === 'stderr').map(({ text }) => text);
      const header = lines.findIndex((line) => line.startsWith('members stopped unexpectedly (exit code 1)'));
      expect(header).toBeGreaterThan(0);
      const last = lines.slice(header + 1);
      expect(last.every((line) => line.startsWith('  ') || line === '')).toBe(true);
      expect(last.join('\n')).toMatch(/Error: listen EADDRINUSE: address already in use 127.0.0.1:\d+/);
      expect(await portClosed(ports.gateway)).toBe(true);
      expect(await portClosed(ports.history)).toBe(true);
    } finally {
      blocker.closeAllConnections();
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
