// The "replicas behind a real load balancer" proof, shared by `npm run demo:scale` and its test:
// HAProxy in front of 2 gateways and between the gateways and 2 replicas of each subgraph (health-
// checked on /readyz), production settings, real PostgreSQL, RabbitMQ and Redis; a steady mixed
// load through the front while one replica of each tier is SIGKILLed and another SIGTERMed; then
// an audit of what reached nickname-history.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'amqplib';
import { deleteMemberEventsTopology, memberEventsTopology } from '@mp/messaging';
import { freePort } from '@mp/testkit';
import { detectionTimeMs, ensureHaproxy, FAST_HEALTH_CHECK, haproxyConfig, HaproxyProcess, type BalancedTier } from './haproxy.js';
import { SystemDatabases, type AuditResult } from './history-audit.js';
import { MixedLoad, type RequestKind } from './mixed-load.js';
import { Replica, ReplicaFleet, type Tier } from './replica-fleet.js';
import { BenchSystem } from './system-processes.js';

export interface ScaleProofOptions {
  /** How long the load runs (the chaos schedule is spread over it). */
  durationMs: number;
  concurrency: number;
  /** Members signed up before the load; the changes are spread over them. */
  members: number;
  mutationShare: number;
  /** How long to wait after the load for every committed change to reach history. */
  settleTimeoutMs: number;
  /** Progress and notes, one line each. */
  log: (line: string) => void;
  /** Keep the folder with HAProxy's and every replica's config and logs even when every goal is met. */
  keepLogs?: boolean;
}

export interface ChaosStep {
  /** When, as a share of the load's duration. */
  at: number;
  tier: Tier;
  /** Which replica of the tier (0-based). */
  replica: number;
  signal: 'SIGKILL' | 'SIGTERM';
}

/**
 * Each tier loses one replica to SIGKILL (a crash: restarted at once) and, later, the other one to
 * SIGTERM (a graceful stop: drained, then started again), one tier at a time. A step waits until
 * HAProxy has its whole tier back in rotation, so no tier is ever left without a replica.
 */
export const CHAOS_SCHEDULE: readonly ChaosStep[] = [
  { at: 0.15, tier: 'gateway', replica: 0, signal: 'SIGKILL' },
  { at: 0.25, tier: 'members', replica: 0, signal: 'SIGKILL' },
  { at: 0.35, tier: 'nickname-history', replica: 0, signal: 'SIGKILL' },
  { at: 0.5, tier: 'gateway', replica: 1, signal: 'SIGTERM' },
  { at: 0.6, tier: 'members', replica: 1, signal: 'SIGTERM' },
  { at: 0.7, tier: 'nickname-history', replica: 1, signal: 'SIGTERM' },
];

const BACKENDS: Record<Tier, string> = { gateway: 'gateways', members: 'members', 'nickname-history': 'nickname-history' };
const REPLICAS_PER_TIER = 2;

/** What happened to one step: when the signal went out and when the replica was back in rotation. */
export interface ChaosEvent extends ChaosStep {
  name: string;
  sentAtMs: number | null;
  backAtMs: number | null;
  note?: string;
}

export interface Goal {
  name: string;
  value: string;
  goal: string;
  met: boolean;
}

export interface ScaleProofResult {
  requests: Record<RequestKind | 'total', { sent: number; failed: number }>;
  durationMs: number;
  settled: boolean;
  audit: AuditResult;
  chaos: ChaosEvent[];
  failureSamples: MixedLoad['failureSamples'];
  goals: Goal[];
  ok: boolean;
  /** HAProxy's and every replica's config and logs (removed when every goal is met, unless `keepLogs`). */
  workDir: string;
}

/** SHUTDOWN_DELAY_MS of every replica: above HAProxy's detection of a /readyz turned 503. */
export const SHUTDOWN_DELAY_MS = detectionTimeMs(FAST_HEALTH_CHECK) + 650;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
const percent = (part: number, whole: number) => (whole === 0 ? 0 : (100 * part) / whole);

async function distinctPorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** Waits until HAProxy has every replica of `tier` in rotation (false after `timeoutMs`). */
async function tierComplete(haproxy: HaproxyProcess, tier: Tier, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await haproxy.upCount(BACKENDS[tier]).catch(() => 0)) === REPLICAS_PER_TIER) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/** Runs the schedule over `durationMs` from `startedAt`; resolves once every replica it stopped is back in rotation. */
async function runChaos(fleet: ReplicaFleet, haproxy: HaproxyProcess, durationMs: number, startedAt: number, log: (line: string) => void) {
  const events: ChaosEvent[] = [];
  const restarts: Promise<void>[] = [];
  const now = () => performance.now() - startedAt;
  for (const step of CHAOS_SCHEDULE) {
    const replica = fleet.tier(step.tier)[step.replica]!;
    const event: ChaosEvent = { ...step, name: replica.name, sentAtMs: null, backAtMs: null };
    events.push(event);
    const wait = step.at * durationMs - now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (!(await tierComplete(haproxy, step.tier, 30_000))) {
      event.note = 'skipped: its tier never had every replica back';
      log(`  ${seconds(now())} ${step.signal} ${replica.name} SKIPPED: ${BACKENDS[step.tier]} never had every replica back in rotation`);
      continue;
    }
    event.sentAtMs = now();
    log(`  ${seconds(event.sentAtMs)} ${step.signal} ${replica.name}`);
    restarts.push(
      (async () => {
        await replica.stop(step.signal);
        log(`  ${seconds(now())} ${replica.name} exited (${step.signal}); starting it again`);
        await replica.start();
        await tierComplete(haproxy, step.tier, 30_000);
        event.backAtMs = now();
        log(`  ${seconds(event.backAtMs)} ${replica.name} back in rotation`);
      })().catch((error: unknown) => {
        event.note = `restart failed: ${error instanceof Error ? error.message : String(error)}`;
        log(`  ${replica.name}: ${event.note}`);
      }),
    );
  }
  await Promise.all(restarts);
  return events;
}

/** Removes the run's own exchange and queues from the broker. */
async function deleteTopology(amqpUrl: string, prefix: string) {
  const broker = await connect(amqpUrl);
  try {
    await deleteMemberEventsTopology(await broker.createChannel(), memberEventsTopology(prefix));
  } finally {
    await broker.close();
  }
}

export function judge(result: Omit<ScaleProofResult, 'goals' | 'ok'>): Goal[] {
  const { requests, audit, chaos, settled } = result;
  const failedShare = percent(requests.total.failed, requests.total.sent);
  const killed = (signal: ChaosStep['signal']) =>
    (['gateway', 'members', 'nickname-history'] as const).every((tier) =>
      chaos.some((event) => event.tier === tier && event.signal === signal && event.sentAtMs !== null && event.backAtMs !== null),
    );
  return [
    {
      name: 'failed requests',
      value: `${requests.total.failed} of ${requests.total.sent} (${failedShare.toFixed(3)} %)`,
      goal: '< 0.1 %',
      met: requests.total.sent > 0 && failedShare < 0.1,
    },
    { name: 'every change delivered', value: settled ? 'outbox empty' : 'NOT within the wait', goal: 'settled', met: settled },
    {
      name: 'acknowledged changes in history exactly once',
      value: `${audit.exactlyOnce} of ${audit.acknowledged}`,
      goal: 'all',
      met: audit.acknowledged > 0 && audit.exactlyOnce === audit.acknowledged,
    },
    { name: 'lost changes', value: String(audit.lost.length), goal: '0', met: audit.lost.length === 0 },
    { name: 'duplicated changes', value: String(audit.duplicated.length), goal: '0', met: audit.duplicated.length === 0 },
    {
      name: 'history chains unbroken',
      value: `${audit.members - audit.brokenChains.length} of ${audit.members} members (${audit.historyRows} rows, ${audit.expectedRows} expected)`,
      goal: 'all',
      met: audit.brokenChains.length === 0 && audit.historyRows === audit.expectedRows,
    },
    { name: 'each tier: one replica SIGKILLed, back', value: killed('SIGKILL') ? 'yes' : 'no', goal: 'yes', met: killed('SIGKILL') },
    { name: 'each tier: one replica SIGTERMed, back', value: killed('SIGTERM') ? 'yes' : 'no', goal: 'yes', met: killed('SIGTERM') },
  ];
}

export async function runScaleProof(options: ScaleProofOptions): Promise<ScaleProofResult> {
  const { log } = options;
  const haproxyBinary = ensureHaproxy();
  const workDir = mkdtempSync(join(tmpdir(), 'scale-proof-'));
  const amqpUrl = process.env['TEST_AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';
  const amqpPrefix = `scale-proof.${randomBytes(4).toString('hex')}.`;
  const system = await BenchSystem.start();
  const databases = new SystemDatabases(system.databaseUrls);
  const fleet = new ReplicaFleet();
  let haproxy: HaproxyProcess | null = null;
  let load: MixedLoad | null = null;
  try {
    const [front, membersLb, historyLb, stats, ...replicaPorts] = (await distinctPorts(4 + 3 * REPLICAS_PER_TIER)) as [
      number,
      number,
      number,
      number,
      ...number[],
    ];
    const portsOf = (tier: number) => replicaPorts.slice(tier * REPLICAS_PER_TIER, (tier + 1) * REPLICAS_PER_TIER);
    const tiers: BalancedTier[] = (['gateway', 'members', 'nickname-history'] as const).map((tier, index) => ({
      name: BACKENDS[tier],
      listenPort: [front, membersLb, historyLb][index]!,
      servers: portsOf(index).map((port, replica) => ({ name: `${tier}-${replica + 1}`, port })),
    }));
    log(`HAProxy ${haproxyBinary}; logs and config in ${workDir}`);
    haproxy = await HaproxyProcess.start(haproxyBinary, workDir, haproxyConfig(tiers, stats), stats);

    const shared = {
      ...system.sharedEnv('scale'),
      AMQP_URL: amqpUrl,
      AMQP_PREFIX: amqpPrefix,
      SHUTDOWN_DELAY_MS: String(SHUTDOWN_DELAY_MS),
    };
    const envOf: Record<Tier, Record<string, string>> = {
      members: { ...shared, NICKNAME_HISTORY_EVENTS_URL: `http://127.0.0.1:${historyLb}/internal/events` },
      'nickname-history': shared,
      gateway: {
        ...shared,
        // One prefix for both gateways: replicas share their callers' budgets through Redis.
        ...system.gatewayEnv('scale'),
        MEMBERS_URL: `http://127.0.0.1:${membersLb}/graphql`,
        NICKNAME_HISTORY_URL: `http://127.0.0.1:${historyLb}/graphql`,
        RATE_LIMIT_MUTATIONS: '100000000/60',
        // HAProxy closes idle connections first (it never reuses one the gateway is closing).
        KEEP_ALIVE_TIMEOUT_MS: '65000',
        TRUST_PROXY_HOPS: '1',
      },
    };
    tiers.forEach((tier, index) => {
      const service = (['gateway', 'members', 'nickname-history'] as const)[index]!;
      for (const server of tier.servers) fleet.add(new Replica(system, service, server.name, server.port, envOf[service], workDir));
    });
    log(`starting 2 members, 2 nickname-history, 2 gateways (NODE_ENV=production, SHUTDOWN_DELAY_MS=${SHUTDOWN_DELAY_MS})…`);
    await fleet.startTier('members');
    await fleet.startTier('nickname-history');
    await fleet.startTier('gateway');
    for (const tier of ['gateway', 'members', 'nickname-history'] as const) {
      if (!(await tierComplete(haproxy, tier, 15_000))) throw new Error(`HAProxy never put every ${tier} replica in rotation`);
    }
    const frontUrl = `http://127.0.0.1:${front}/graphql`;
    log(`signing up ${options.members} members through ${frontUrl}…`);
    const ids = await system.seedMany(frontUrl, options.members);
    const members = await Promise.all(ids.map(async (id, index) => ({ id, index, token: await system.mint(`bench-many-${index}`, []) })));

    log(
      `load: ${options.concurrency} clients for ${seconds(options.durationMs)}, ${Math.round(options.mutationShare * 100)} % nickname changes; chaos schedule:`,
    );
    for (const step of CHAOS_SCHEDULE) {
      log(`  at ${seconds(step.at * options.durationMs)}: ${step.signal} ${step.tier}-${step.replica + 1}`);
    }
    load = new MixedLoad({
      url: frontUrl,
      members,
      concurrency: options.concurrency,
      mutationShare: options.mutationShare,
      requestTimeoutMs: 10_000,
    });
    const startedAt = performance.now();
    load.start();
    const running = load;
    const proxy = haproxy;
    const ticker = setInterval(() => {
      void Promise.all([databases.historyRows().catch(() => NaN), proxy.serverStates().catch(() => null)]).then(([rows, states]) => {
        const up = (backend: string) => [...(states?.get(backend)?.values() ?? [])].filter((s) => s.startsWith('UP')).length;
        const { sent, failed } = running.total;
        log(
          `[${seconds(performance.now() - startedAt).padStart(6)}] requests ${sent} (q ${running.counts.query.sent}, m ${running.counts.mutation.sent})` +
            `  failed ${failed}  changes acked ${running.acknowledged.size}  history rows ${rows}` +
            `  in rotation: gw ${up('gateways')}/2 members ${up('members')}/2 history ${up('nickname-history')}/2`,
        );
      });
    }, 1_000);
    let chaos: ChaosEvent[];
    try {
      const schedule = runChaos(fleet, haproxy, options.durationMs, startedAt, log);
      await new Promise((resolve) => setTimeout(resolve, options.durationMs));
      await load.stop();
      chaos = await schedule;
    } finally {
      clearInterval(ticker);
    }
    const durationMs = performance.now() - startedAt;
    log('load stopped; waiting for every committed change to reach nickname-history…');
    const settled = await databases.settle(options.settleTimeoutMs, ({ outbox, historyRows, expectedRows }) =>
      log(`  outbox pending ${outbox}, history rows ${historyRows} of ${expectedRows}`),
    );
    const audit = await databases.audit(load.acknowledged, load.unacknowledged);
    const partial = {
      requests: { ...load.counts, total: load.total },
      durationMs,
      settled,
      audit,
      chaos,
      failureSamples: load.failureSamples,
      workDir,
    };
    const goals = judge(partial);
    const ok = goals.every((goal) => goal.met);
    if (ok && !options.keepLogs) rmSync(workDir, { recursive: true, force: true });
    return { ...partial, goals, ok };
  } finally {
    await load?.stop();
    await fleet.stopAll();
    await haproxy?.stop();
    await databases.close();
    await deleteTopology(amqpUrl, amqpPrefix).catch((error: unknown) => log(`could not delete the broker topology: ${String(error)}`));
    await system.close();
  }
}

/** The final table, as lines. */
export function formatResult(result: ScaleProofResult): string[] {
  const { requests, audit } = result;
  const rows: [string, string, string, string][] = [['', 'value', 'goal', '']];
  for (const kind of ['query', 'mutation'] as const) {
    const { sent, failed } = requests[kind];
    rows.push([`${kind} requests failed`, `${failed} of ${sent} (${percent(failed, sent).toFixed(3)} %)`, '', '']);
  }
  rows.push(['throughput', `${(requests.total.sent / (result.durationMs / 1000)).toFixed(0)} requests/s`, '', '']);
  for (const goal of result.goals) rows.push([goal.name, goal.value, goal.goal, goal.met ? 'ok' : 'MISSED']);
  rows.push(['changes whose answer was lost', `${audit.unacknowledged} (${audit.unacknowledgedApplied} applied, recorded once)`, '', '']);
  rows.push(['events re-published after a relay died', `${audit.republished} (history skipped the copies)`, '', '']);
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) =>
    row
      .map((cell, column) => (column < 3 ? cell.padEnd(widths[column]!) : cell))
      .join('  ')
      .trimEnd(),
  );
  lines.push('', 'chaos:');
  for (const event of result.chaos) {
    const sent = event.sentAtMs === null ? 'not sent' : `at ${seconds(event.sentAtMs)}`;
    const back = event.backAtMs === null ? '' : `, back in rotation at ${seconds(event.backAtMs)}`;
    lines.push(`  ${event.signal} ${event.name} ${sent}${back}${event.note ? ` (${event.note})` : ''}`);
  }
  if (result.failureSamples.length > 0) {
    lines.push('', 'first failures:');
    for (const sample of result.failureSamples.slice(0, 10)) lines.push(`  ${seconds(sample.atMs)} ${sample.kind}: ${sample.what}`);
  }
  for (const [label, list] of [
    ['lost', audit.lost],
    ['duplicated', audit.duplicated],
    ['broken chains', audit.brokenChains],
  ] as const) {
    if (list.length > 0) lines.push('', `${label}: ${list.slice(0, 10).join(', ')}${list.length > 10 ? ', …' : ''}`);
  }
  return lines;
}
