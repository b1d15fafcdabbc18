// The peer gateways of the benchmarks (Hive Gateway, a default Apollo Gateway): installed once into
// a cache folder outside the repo, never into its dependencies, and started beside our system.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ROOT, type SystemCopy } from './system-processes.js';

export const PEERS_DIR =
  process.env['BENCH_PEERS_DIR'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'members-platform-peers');
const HERE = new URL('../peers/', import.meta.url);

/** Each configuration gets a folder of its own, since Hive Gateway reads `gateway.config.mjs` from where it runs. */
const CONFIGS = { hive: 'gateway.config.mjs', 'hive-response-cache': 'gateway-response-cache.config.mjs' } as const;

/** The peers' dependencies, installed once into their own folder; their entry files copied beside them. */
export function installPeers(): void {
  mkdirSync(PEERS_DIR, { recursive: true });
  const manifest = readFileSync(new URL('package.json', HERE), 'utf8');
  const installed = join(PEERS_DIR, 'package.json');
  if (!existsSync(join(PEERS_DIR, 'node_modules/@graphql-hive/gateway')) || readFileSync(installed, 'utf8') !== manifest) {
    process.stderr.write(`installing the peer gateways into ${PEERS_DIR} (once)…\n`);
    writeFileSync(installed, manifest);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: PEERS_DIR, stdio: 'inherit' });
  }
  copyFileSync(new URL('naive-gateway.mjs', HERE), join(PEERS_DIR, 'naive-gateway.mjs'));
  for (const [folder, file] of Object.entries(CONFIGS)) {
    mkdirSync(join(PEERS_DIR, folder), { recursive: true });
    copyFileSync(new URL(file, HERE), join(PEERS_DIR, folder, 'gateway.config.mjs'));
  }
}

export async function waitAnswers(url: string, headers: Record<string, string>): Promise<void> {
  for (let i = 0; i < 300; i += 1) {
    const ok = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: '{"query":"{__typename}"}',
    }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} never answered`);
}

/** Our supergraph routed to `copy`'s subgraphs, for the peers. */
export function supergraphFor(copy: SystemCopy): string {
  const supergraph = readFileSync(join(ROOT, 'gateway/supergraph.graphql'), 'utf8')
    .replace('http://127.0.0.1:4001/graphql', copy.membersUrl)
    .replace('http://127.0.0.1:4002/graphql', copy.historyUrl);
  const file = join(PEERS_DIR, `supergraph-${copy.name}.graphql`);
  writeFileSync(file, supergraph);
  return file;
}

/** Peer processes, stopped together. */
export class PeerProcesses {
  private readonly children: ChildProcess[] = [];

  /** Hive Gateway with one of its configurations on `port`; returns its pid. */
  hive(config: keyof typeof CONFIGS, supergraphFile: string, port: number): number {
    return this.start(
      [join(PEERS_DIR, 'node_modules/.bin/hive-gateway'), 'supergraph', supergraphFile, '--port', String(port)],
      join(PEERS_DIR, config),
    );
  }

  /** Apollo Gateway as its docs show it, on `port`; returns its pid. */
  naiveApollo(supergraphFile: string, port: number): number {
    return this.start(['naive-gateway.mjs', supergraphFile, String(port)], PEERS_DIR);
  }

  async stop(): Promise<void> {
    for (const child of this.children) child.kill('SIGTERM');
    await Promise.all(
      this.children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))),
    );
  }

  private start(args: string[], cwd: string) {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
    this.children.push(child);
    return child.pid!;
  }
}
