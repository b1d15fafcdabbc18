import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import { isDatabaseBusy } from '../errors.js';
import type { Lsn } from './lsn.js';
import type { ReplicaMonitor, ReplicaStatus } from './replica-monitor.js';
import type { WriteFences } from './write-fences.js';

export interface ReadRoutingOptions<Client> {
  primary: Client;
  /** In the order of the monitor's probes. */
  replicas: readonly Client[];
  /** Null when there are no replicas: every read goes to the primary. */
  monitor: ReplicaMonitor | null;
  fences: WriteFences;
  /** The primary's log position now; after a commit, at or past that commit. */
  primaryLsn(): Promise<Lsn>;
  logger: Logger;
  registry?: Registry;
}

type Source = { kind: 'primary' } | { kind: 'replica'; index: number; replayLsn: Lsn };

const PRIMARY: Source = { kind: 'primary' };

/**
 * Sends a service's reads to its read replicas and its writes' readers to where the write is
 * visible. Writes always use the primary client directly; this only decides reads, once per
 * request, so one answer reads one snapshot source.
 */
export class ReadRouting<Client> {
  private readonly reads: Counter | null;
  private readonly failures: Counter | null;

  constructor(private readonly options: ReadRoutingOptions<Client>) {
    const registers = options.registry ? [options.registry] : [];
    this.reads = options.registry
      ? new Counter({
          name: 'database_reads_total',
          help: 'Requests by where they read: primary or replica.',
          labelNames: ['target'],
          registers,
        })
      : null;
    this.failures = options.registry
      ? new Counter({
          name: 'database_replica_read_failures_total',
          help: 'Reads a replica failed; each was read again from the primary.',
          registers,
        })
      : null;
  }

  get hasReplicas(): boolean {
    return this.options.monitor !== null;
  }

  forRequest(subject: string | null): RequestReads<Client> {
    return new RequestReads(this, subject);
  }

  status(): ReplicaStatus[] {
    return this.options.monitor?.status() ?? [];
  }

  /** @internal Where a request by `subject` reads: a replica that has replayed the caller's last fenced write. */
  async chooseSource(subject: string | null): Promise<Source> {
    const { monitor, fences } = this.options;
    if (!monitor) return PRIMARY;
    let minLsn: Lsn | null = null;
    if (subject !== null) {
      try {
        minLsn = await fences.writerLsn(subject);
      } catch (err) {
        // Not knowing what the caller wrote, only the primary is sure to have it.
        this.options.logger.warn({ err }, 'read fences unavailable: this request reads from the primary');
        return this.counted(PRIMARY);
      }
    }
    const replica = monitor.pick(minLsn);
    return this.counted(replica ? { kind: 'replica', ...replica } : PRIMARY);
  }

  /** @internal */
  async run<T>(source: Source, query: (client: Client) => Promise<T>): Promise<T> {
    if (source.kind === 'primary') return query(this.options.primary);
    try {
      return await query(this.options.replicas[source.index]!);
    } catch (err) {
      // A full pool is that replica's bulkhead doing its job: moving its reads to the primary would spread the load.
      if (isDatabaseBusy(err)) throw err;
      // A read can be repeated anywhere; a replica that fails one is left alone until it answers a check.
      this.failures?.inc();
      this.options.monitor?.markDown(source.index, err);
      return query(this.options.primary);
    }
  }

  /** After a commit (by `subject`, or by no caller): the writer's reads and answers holding these tags must see it. Never rejects. */
  async fenceWrite(subject: string | null, tags: readonly string[]): Promise<void> {
    if (!this.options.monitor) return;
    try {
      await this.options.fences.record({ subject, tags, lsn: await this.options.primaryLsn() });
    } catch (err) {
      this.options.logger.error(
        { err, subject, tags },
        'could not fence a write: its writer may read an older replica until it catches up',
      );
    }
  }

  /** @internal */
  async fencedAfter(source: Source, tags: readonly string[]): Promise<boolean> {
    if (source.kind === 'primary') return false;
    try {
      const newest = await this.options.fences.newestTagLsn(tags);
      return newest !== null && newest > source.replayLsn;
    } catch {
      return true;
    }
  }

  private counted(source: Source): Source {
    this.reads?.inc({ target: source.kind });
    return source;
  }
}

/** One request's reads: they all go to one source, chosen at the first read. */
export class RequestReads<Client> {
  private source: Promise<Source> | null = null;

  constructor(
    private readonly routing: ReadRouting<Client>,
    private readonly subject: string | null,
  ) {}

  /** Runs a read on a replica that has everything this caller wrote, else on the primary. */
  async read<T>(query: (client: Client) => Promise<T>): Promise<T> {
    this.source ??= this.routing.chooseSource(this.subject);
    return this.routing.run(await this.source, query);
  }

  /** After this request committed: its later reads use the primary, and later requests by the writer see the write. */
  async wrote(tags: readonly string[]): Promise<void> {
    this.source = Promise.resolve(PRIMARY);
    await this.routing.fenceWrite(this.subject, tags);
  }

  /**
   * Whether an answer holding these tags may be cached: false when it was read from a replica
   * position older than a fenced write to one of them (a stale answer is served to this non-writer
   * within the lag bound, but never kept for anyone).
   */
  async mayCache(tags: readonly string[]): Promise<boolean> {
    if (!this.source || tags.length === 0) return true;
    return !(await this.routing.fencedAfter(await this.source, tags));
  }
}

/** Routing for a database without replicas: every read on the primary, nothing fenced. */
export function primaryOnly<Client>(primary: Client, logger: Logger): ReadRouting<Client> {
  return new ReadRouting<Client>({
    primary,
    replicas: [],
    monitor: null,
    fences: { record: () => Promise.resolve(), writerLsn: () => Promise.resolve(null), newestTagLsn: () => Promise.resolve(null) },
    primaryLsn: () => Promise.reject(new Error('no replicas: nothing to fence')),
    logger,
  });
}
