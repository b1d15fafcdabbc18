import { jest } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createTestDatabase, type TestDatabase } from '@mp/prisma/testing';
import { StreamingReplicaPair, waitFor } from '@mp/testkit';

// The service as operators run it: a process configured only by its environment.
const SECRET = 'main-process-test-secret-0123456789abcdef';

interface Started {
  child: ChildProcess;
  url: string;
  lines: Record<string, unknown>[];
  exited: Promise<number | null>;
}

/** Every process a test started: a failed assertion must not leave one running after the suite. */
const children = new Set<ChildProcess>();
afterEach(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
});

function startMembers(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: new URL('..', import.meta.url).pathname,
    env: { PATH: process.env['PATH'] ?? '', GATEWAY_SECRET: SECRET, EVENTS_SECRET: SECRET, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const lines: Record<string, unknown>[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      lines.push(entry);
      if (entry['msg'] === 'members subgraph ready') resolve({ child, url: String(entry['url']).replace(/\/graphql$/, ''), lines, exited });
    });
    void exited.then((code) => reject(new Error(`members exited early with ${code}`)));
  });
}

async function stopWithCtrlC(started: Started): Promise<number | null> {
  started.child.kill('SIGINT');
  return started.exited;
}

// Each case starts real processes (and an embedded PostgreSQL): give them time on 2 cores.
jest.setTimeout(60_000);

describe('members main process', () => {
  let throwaway: TestDatabase;
  let dataDir: string;

  beforeAll(async () => {
    throwaway = await createTestDatabase('members_main');
    dataDir = await mkdtemp(join(tmpdir(), 'members-main-'));
  });
  afterAll(async () => {
    await throwaway.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs on real PostgreSQL when MEMBERS_DATABASE_URL is set, migrates it, and stops cleanly on Ctrl-C', async () => {
    const started = await startMembers({ MEMBERS_DATABASE_URL: throwaway.url });
    expect(started.lines).toContainEqual(expect.objectContaining({ msg: 'migrations applied', database: 'postgres' }));
    const ready = await fetch(`${started.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', outbox: { pending: 0 } });
    expect(await stopWithCtrlC(started)).toBe(0);
    expect(started.lines).toContainEqual(expect.objectContaining({ msg: 'shutting down', signal: 'SIGINT' }));
  });

  it('reads from a streaming replica given in MEMBERS_REPLICA_URLS, reports its lag in /readyz, and stops cleanly', async () => {
    const pair = await StreamingReplicaPair.start({ applyDelayMs: 0 });
    try {
      const started = await startMembers({
        MEMBERS_DATABASE_URL: pair.primaryUrl(),
        MEMBERS_REPLICA_URLS: pair.replicaUrl(),
        REDIS_URL: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
        SUBGRAPH_CACHE_NAME: `members-main-${process.pid}`,
        METRICS_PORT: '0',
      });
      const readiness = await waitFor(
        'the replica to serve reads',
        async () => (await fetch(`${started.url}/readyz`)).json() as Promise<{ replicas?: { serving: boolean }[] }>,
        (body) => body.replicas?.[0]?.serving === true,
      );
      expect(readiness.replicas).toEqual([
        {
          name: 'replica-1',
          up: true,
          serving: true,
          lagMs: expect.any(Number),
          replayLsn: expect.stringMatching(/^[0-9A-F]+\/[0-9A-F]+$/),
        },
      ]);
      const ready = started.lines.find((line) => line['msg'] === 'members subgraph ready')!;
      const metrics = await (await fetch(String(ready['metrics']))).text();
      expect(metrics).toMatch(/^database_replica_serving\{[^}]*replica="replica-1"[^}]*\} 1$/m);
      expect(metrics).toMatch(/^db_client_connection_max\{[^}]*db_client_connection_pool_name="members-replica-1"[^}]*\} 10$/m);
      expect(await stopWithCtrlC(started)).toBe(0);
    } finally {
      await pair.stop();
    }
  });

  it('runs on the embedded database by default, persisted in its data folder across restarts', async () => {
    const first = await startMembers({ MEMBERS_DATA_DIR: dataDir });
    expect(first.lines).toContainEqual(
      expect.objectContaining({
        msg: 'migrations applied',
        database: 'embedded',
        applied: expect.arrayContaining([expect.stringMatching(/_init$/)]),
      }),
    );
    expect(await stopWithCtrlC(first)).toBe(0);

    const second = await startMembers({ MEMBERS_DATA_DIR: dataDir });
    expect(second.lines).toContainEqual(expect.objectContaining({ msg: 'migrations applied', database: 'embedded', applied: [] }));
    expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
    expect(await stopWithCtrlC(second)).toBe(0);
  });

  it('refuses to start with a bad environment and names every bad variable', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: new URL('..', import.meta.url).pathname,
      env: { PATH: process.env['PATH'] ?? '', GATEWAY_SECRET: 'short', PORT: 'eighty', MEMBERS_DATABASE_URL: 'mysql://x' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    for (const variable of ['GATEWAY_SECRET', 'EVENTS_SECRET', 'PORT', 'MEMBERS_DATABASE_URL']) expect(stderr).toContain(variable);
  });
});
