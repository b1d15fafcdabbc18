// A PostgreSQL primary and a streaming replica of it, made for one test run under a temp folder
// with the machine's PostgreSQL binaries. The machine's own cluster refuses replication, and
// initdb/postgres refuse to run as root, so as root both run as the postgres user.
import { execFile } from 'node:child_process';
import { chmod, chown, mkdtemp, rm, appendFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.js';

const run = promisify(execFile);

async function binDir(): Promise<string> {
  const versions = (await readdir('/usr/lib/postgresql')).sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error('no PostgreSQL binaries under /usr/lib/postgresql');
  return `/usr/lib/postgresql/${versions[0]!}/bin`;
}

export interface StreamingReplicaOptions {
  /** `recovery_min_apply_delay` on the replica: a fixed, known lag. */
  applyDelayMs: number;
}

export class StreamingReplicaPair {
  private constructor(
    private readonly bin: string,
    private readonly root: string,
    readonly primaryPort: number,
    readonly replicaPort: number,
  ) {}

  static async start({ applyDelayMs }: StreamingReplicaOptions): Promise<StreamingReplicaPair> {
    const bin = await binDir();
    const root = await mkdtemp(join(tmpdir(), 'pg-replica-pair-'));
    await chmod(root, 0o755);
    const pair = new StreamingReplicaPair(bin, root, await freePort(), await freePort());
    try {
      if (process.getuid?.() === 0) {
        const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
        await chown(root, uid, uid);
      }
      await pair.pg('initdb', ['-D', pair.primaryDir, '-U', 'postgres', '--auth=trust', '--no-sync']);
      await appendFile(
        join(pair.primaryDir, 'postgresql.conf'),
        `port = ${pair.primaryPort}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '${root}'\nwal_level = replica\nmax_wal_senders = 4\nfsync = off\n`,
      );
      await appendFile(join(pair.primaryDir, 'pg_hba.conf'), 'host replication all 127.0.0.1/32 trust\n');
      await pair.pg('pg_ctl', ['-D', pair.primaryDir, '-l', join(root, 'primary.log'), '-w', 'start']);
      await pair.pg('pg_basebackup', [
        '-h',
        '127.0.0.1',
        '-p',
        String(pair.primaryPort),
        '-U',
        'postgres',
        '-D',
        pair.replicaDir,
        '-R',
        '-X',
        'stream',
      ]);
      await appendFile(
        join(pair.replicaDir, 'postgresql.conf'),
        `port = ${pair.replicaPort}\nrecovery_min_apply_delay = '${applyDelayMs}ms'\nhot_standby = on\n`,
      );
      await pair.startReplica();
      return pair;
    } catch (error) {
      await pair.stop();
      throw error;
    }
  }

  get primaryDir(): string {
    return join(this.root, 'primary');
  }

  get replicaDir(): string {
    return join(this.root, 'replica');
  }

  /** A URL of database `name` on the primary (create it there; it streams to the replica). */
  primaryUrl(name = 'postgres'): string {
    return `postgresql://postgres@127.0.0.1:${this.primaryPort}/${name}`;
  }

  replicaUrl(name = 'postgres'): string {
    return `postgresql://postgres@127.0.0.1:${this.replicaPort}/${name}`;
  }

  async startReplica(): Promise<void> {
    await this.pg('pg_ctl', ['-D', this.replicaDir, '-l', join(this.root, 'replica.log'), '-w', 'start']);
  }

  /** Fast shutdown: open connections are cut, as when a replica's machine goes away. */
  async stopReplica(): Promise<void> {
    await this.pg('pg_ctl', ['-D', this.replicaDir, '-m', 'fast', '-w', 'stop']);
  }

  async stop(): Promise<void> {
    for (const dir of [this.replicaDir, this.primaryDir]) {
      await this.pg('pg_ctl', ['-D', dir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    }
    await rm(this.root, { recursive: true, force: true });
  }

  private async pg(tool: string, args: string[]): Promise<void> {
    const path = join(this.bin, tool);
    if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', path, ...args]);
    else await run(path, args);
  }
}
