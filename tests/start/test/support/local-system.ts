import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '@mp/testkit';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface Ports {
  gateway: number;
  members: number;
  history: number;
  /** Each service's metrics port, in the same order. */
  metrics: [number, number, number];
}

export const freePorts = async (): Promise<Ports> => ({
  gateway: await freePort(),
  members: await freePort(),
  history: await freePort(),
  metrics: [await freePort(), await freePort(), await freePort()],
});

export interface OutputLine {
  at: number;
  stream: 'stdout' | 'stderr';
  text: string;
}

/**
 * `node scripts/start.mjs --no-build` as a person runs it from a terminal: the leader of its own
 * process group, so `ctrlC()` signals the whole group as a terminal does.
 */
export class LocalSystem {
  readonly output: OutputLine[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  readonly startedAt = performance.now();

  constructor(
    readonly ports: Ports,
    env: Record<string, string>,
  ) {
    this.child = spawn(process.execPath, ['scripts/start.mjs', '--no-build'], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env['PATH'] ?? '',
        PORT: String(ports.gateway),
        MEMBERS_PORT: String(ports.members),
        NICKNAME_HISTORY_PORT: String(ports.history),
        GATEWAY_METRICS_PORT: String(ports.metrics[0]),
        MEMBERS_METRICS_PORT: String(ports.metrics[1]),
        NICKNAME_HISTORY_METRICS_PORT: String(ports.metrics[2]),
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.exited = new Promise((resolve) => this.child.once('close', (code) => resolve(code)));
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: this.child[stream]! }).on('line', (text) => this.output.push({ at: performance.now(), stream, text }));
    }
  }

  get pid(): number {
    return this.child.pid!;
  }

  get gatewayUrl(): string {
    return `http://127.0.0.1:${this.ports.gateway}/graphql`;
  }

  /** JSON log lines of the services. */
  logs(): Record<string, unknown>[] {
    return this.output.flatMap(({ text }) => {
      if (!text.startsWith('{')) return [];
      try {
        return [JSON.parse(text) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  text(): string {
    return this.output.map(({ text }) => text).join('\n');
  }

  /** Resolves with the time the banner was printed; rejects if the command exits first. */
  async banner(timeoutMs = 90_000): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    let exitedWith: number | null | undefined;
    void this.exited.then((code) => (exitedWith = code));
    for (;;) {
      const line = this.output.find(({ text }) => text.startsWith('Members platform is running'));
      if (line) return line.at;
      if (exitedWith !== undefined) throw new Error(`start.mjs exited (${exitedWith}) before its banner:\n${this.text()}`);
      if (performance.now() > deadline) throw new Error(`no banner within ${timeoutMs} ms:\n${this.text()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /**
   * Ctrl-C in the terminal that ran `npm start`: SIGINT to the whole foreground group, and once
   * more from npm, which forwards the signals it receives to its script.
   */
  ctrlC(): void {
    process.kill(-this.pid, 'SIGINT');
    process.kill(this.pid, 'SIGINT');
  }

  kill(signal: NodeJS.Signals): void {
    process.kill(this.pid, signal);
  }

  /**
   * Test cleanup: kills the command; its services notice their supervisor is gone and stop on
   * their own. Resolves once nothing listens on the system's ports any more.
   */
  async killAll(): Promise<void> {
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    const deadline = Date.now() + 15_000;
    const ports = [this.ports.gateway, this.ports.members, this.ports.history];
    while (Date.now() < deadline && !(await Promise.all(ports.map(portClosed))).every(Boolean)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Sends an operation, as the caller `token` proves when given. */
export async function graphql<T>(url: string, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    body: (await response.json()) as { data?: T | null; errors?: { message: string; extensions?: { code?: string } }[] },
  };
}

/** True once nothing listens on the port. */
export async function portClosed(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1_000) }).then(
    () => false,
    () => true,
  );
}
