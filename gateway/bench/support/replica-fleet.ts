// Replicas of each service started from their builds on ports of their own, which can be killed
// (SIGKILL: a crash) or stopped (SIGTERM: a rolling update's graceful stop) and started again on
// the same port, so the balancer in front takes them back.
import type { ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_ENTRIES, hasExited, waitReady, type BenchSystem } from './system-processes.js';

export type Tier = keyof typeof SERVICE_ENTRIES;

export class Replica {
  private child: ChildProcess | null = null;
  /** Times this replica was started (1 = never restarted). */
  starts = 0;

  constructor(
    private readonly system: BenchSystem,
    readonly tier: Tier,
    /** e.g. `members-2`: also its server name in HAProxy. */
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly logDir: string,
  ) {}

  get running(): boolean {
    return this.child !== null && !hasExited(this.child);
  }

  /** Starts the process (its output appended to `<logDir>/<name>.log`); resolves once its /readyz answers 200. */
  async start(): Promise<void> {
    if (this.running) throw new Error(`${this.name} is already running`);
    const output = openSync(join(this.logDir, `${this.name}.log`), 'a');
    this.child = this.system.spawnService(SERVICE_ENTRIES[this.tier], { ...this.env, PORT: String(this.port) }, { output });
    this.starts += 1;
    const child = this.child;
    const exited = new Promise<never>((_resolve, reject) =>
      child.once('exit', (code, signal) =>
        reject(new Error(`${this.name} exited while starting (${signal ?? code}); see ${join(this.logDir, `${this.name}.log`)}`)),
      ),
    );
    // The rejection is only wanted while starting.
    exited.catch(() => undefined);
    await Promise.race([waitReady(`http://127.0.0.1:${this.port}/readyz`), exited]);
  }

  /** Sends `signal` and resolves once the process has exited (a SIGTERMed one drains first). */
  async stop(signal: 'SIGKILL' | 'SIGTERM' | 'SIGINT'): Promise<void> {
    const child = this.child;
    if (!child || hasExited(child)) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }
}

/** Every replica by tier, started in an order that lets each find what it needs. */
export class ReplicaFleet {
  private readonly byTier = new Map<Tier, Replica[]>();

  add(replica: Replica): void {
    this.byTier.set(replica.tier, [...this.tier(replica.tier), replica]);
  }

  tier(tier: Tier): Replica[] {
    return this.byTier.get(tier) ?? [];
  }

  get all(): Replica[] {
    return [...this.byTier.values()].flat();
  }

  /** One after the other: two services must not race to migrate the same database at first start. */
  async startTier(tier: Tier): Promise<void> {
    for (const replica of this.tier(tier)) await replica.start();
  }

  /** Stops every replica still running, without the drain delay (SIGINT), then any that lingers. */
  async stopAll(): Promise<void> {
    await Promise.all(
      this.all.map(async (replica) => {
        const timer = setTimeout(() => void replica.stop('SIGKILL'), 10_000);
        await replica.stop('SIGINT');
        clearTimeout(timer);
      }),
    );
  }
}
