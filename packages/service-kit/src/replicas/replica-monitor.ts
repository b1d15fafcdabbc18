import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import type { Lsn } from './lsn.js';
import { formatLsn } from './lsn.js';

export interface ReplicaProbe {
  /** For logs, metrics and /readyz; never the URL (it may hold a password). */
  name: string;
  /** How far the replica has replayed the primary's log (`pg_last_wal_replay_lsn()`). */
  replayLsn(): Promise<Lsn>;
}

export interface ReplicaMonitorOptions {
  /** The primary's current log position (`pg_current_wal_lsn()`). */
  primaryLsn(): Promise<Lsn>;
  replicas: readonly ReplicaProbe[];
  /** A replica further behind than this serves no reads. */
  maxLagMs: number;
  checkIntervalMs: number;
  logger: Logger;
  registry?: Registry;
}

export interface ReplicaStatus {
  name: string;
  up: boolean;
  /** Replication delay in ms, measured against the primary's log; null while unknown. */
  lagMs: number | null;
  replayLsn: string | null;
  /** Whether it serves reads now (up and within the lag bound). */
  serving: boolean;
}

interface ReplicaState {
  probe: ReplicaProbe;
  up: boolean;
  replayLsn: Lsn | null;
  lagMs: number | null;
}

/** A picked replica, and how far it had replayed when last checked (a lower bound for what it reads). */
export interface PickedReplica {
  index: number;
  replayLsn: Lsn;
}

interface PrimarySample {
  at: number;
  lsn: Lsn;
}

/**
 * Checks each replica's position against the primary's every `checkIntervalMs`. Lag is a time, not
 * a byte count: from samples of the primary's position over time, a replica that has replayed up
 * to sample k but not k+1 is at most (now − time of sample k) behind, and 0 when it has replayed the
 * newest sample. A replica that fails a check is down until a check succeeds.
 */
export class ReplicaMonitor {
  private readonly states: ReplicaState[];
  private samples: PrimarySample[] = [];
  private next = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private checking: Promise<void> = Promise.resolve();

  constructor(private readonly options: ReplicaMonitorOptions) {
    this.states = options.replicas.map((probe) => ({ probe, up: false, replayLsn: null, lagMs: null }));
    if (options.registry) this.registerMetrics(options.registry);
  }

  /** Checks once (so the first requests already have replicas), then on a timer. */
  async start(): Promise<void> {
    await this.check();
    const loop = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.checking = this.check().finally(loop);
      }, this.options.checkIntervalMs);
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.checking;
  }

  /** A serving replica that has replayed at least `minLsn`, in turn; null when none has. */
  pick(minLsn: Lsn | null): PickedReplica | null {
    const count = this.states.length;
    for (let i = 0; i < count; i += 1) {
      const index = (this.next + i) % count;
      const state = this.states[index]!;
      if (!this.serving(state) || state.replayLsn === null) continue;
      if (minLsn !== null && state.replayLsn < minLsn) continue;
      this.next = (index + 1) % count;
      return { index, replayLsn: state.replayLsn };
    }
    return null;
  }

  /** A read on this replica failed: no more reads go there until a check finds it answering. */
  markDown(index: number, err: unknown): void {
    const state = this.states[index];
    if (!state?.up) return;
    state.up = false;
    this.options.logger.warn({ err, replica: state.probe.name }, 'database replica failed a read: reads go elsewhere until it answers');
  }

  status(): ReplicaStatus[] {
    return this.states.map((state) => ({
      name: state.probe.name,
      up: state.up,
      lagMs: state.lagMs,
      replayLsn: state.replayLsn === null ? null : formatLsn(state.replayLsn),
      serving: this.serving(state),
    }));
  }

  private serving(state: ReplicaState): boolean {
    return state.up && state.lagMs !== null && state.lagMs <= this.options.maxLagMs;
  }

  private async check(): Promise<void> {
    try {
      this.samples.push({ at: performance.now(), lsn: await this.options.primaryLsn() });
    } catch (err) {
      // Replicas keep serving within their bound; their lag grows with the age of the last sample.
      this.options.logger.warn({ err }, 'could not read the primary database log position');
    }
    await Promise.all(this.states.map((state) => this.checkReplica(state)));
    this.forgetOldSamples();
  }

  private async checkReplica(state: ReplicaState): Promise<void> {
    try {
      state.replayLsn = await withTimeout(state.probe.replayLsn(), Math.max(this.options.checkIntervalMs, 1_000));
      if (!state.up)
        this.options.logger.info({ replica: state.probe.name }, 'database replica answers: it serves reads within the lag bound');
      state.up = true;
      state.lagMs = this.lagOf(state.replayLsn);
    } catch (err) {
      if (state.up) this.options.logger.warn({ err, replica: state.probe.name }, 'database replica does not answer: reads go elsewhere');
      state.up = false;
      state.lagMs = null;
    }
  }

  private lagOf(replayed: Lsn): number | null {
    const newest = this.samples.at(-1);
    if (!newest) return null;
    if (replayed >= newest.lsn) return 0;
    const now = performance.now();
    for (let i = this.samples.length - 2; i >= 0; i -= 1) {
      if (this.samples[i]!.lsn <= replayed) return Math.round(now - this.samples[i]!.at);
    }
    return Math.round(now - this.samples[0]!.at);
  }

  /** Samples older than twice the bound cannot change a decision: a replica that far behind serves nothing. */
  private forgetOldSamples(): void {
    const horizon = performance.now() - 2 * this.options.maxLagMs - this.options.checkIntervalMs;
    const keepFrom = this.samples.findIndex((sample) => sample.at >= horizon);
    // Keep one sample before the horizon, so a replica just past the bound still measures as such.
    if (keepFrom > 1) this.samples = this.samples.slice(keepFrom - 1);
  }

  private registerMetrics(registry: Registry): void {
    const states = () => this.states;
    const serving = (state: ReplicaState) => this.serving(state);
    new Gauge({
      name: 'database_replica_lag_seconds',
      help: 'How far each read replica is behind the primary (absent while it does not answer).',
      labelNames: ['replica'],
      registers: [registry],
      collect() {
        this.reset();
        for (const state of states()) if (state.lagMs !== null) this.set({ replica: state.probe.name }, state.lagMs / 1000);
      },
    });
    new Gauge({
      name: 'database_replica_serving',
      help: 'Whether each read replica serves reads now (1: answering and within the lag bound).',
      labelNames: ['replica'],
      registers: [registry],
      collect() {
        for (const state of states()) this.set({ replica: state.probe.name }, serving(state) ? 1 : 0);
      },
    });
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
