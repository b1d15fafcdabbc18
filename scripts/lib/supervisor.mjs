// Runs local services as child processes: forwards their output, knows when each is ready,
// and owns their shutdown.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const READY_TIMEOUT_MS = 120_000;
const POLL_INTERVAL_MS = 100;
const TAIL_LINES = 25;

/**
 * @typedef {{ name: string, entry: string, env: Record<string, string>, readyUrl: string }} Service
 * @returns {{ ready: Promise<boolean>, exited: Promise<number> }}
 *   `ready` is true once every service's /readyz answered 200, false if one failed first;
 *   `exited` settles with the exit code for this process once every service has stopped.
 */
export function startSupervisor(root, services) {
  let stopping = false;
  let exitCode = 0;
  let failed = null;

  // Each service gets a process group of its own, so a terminal's Ctrl-C (sent to the whole
  // foreground group) reaches only this supervisor, which then signals each service exactly
  // once. A service that received the terminal's SIGINT and our SIGTERM together took the
  // second as "force" and left its embedded database closed mid-write. The IPC channel lets a
  // service notice when this supervisor is gone (even SIGKILLed) and stop on its own.
  const children = services.map((service) => {
    const child = spawn(process.execPath, [service.entry], {
      cwd: root,
      env: { ...process.env, ...service.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    const tail = [];
    const forward = (stream, out) =>
      createInterface({ input: stream }).on('line', (line) => {
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
        out.write(`${line}\n`);
      });
    forward(child.stdout, process.stdout);
    forward(child.stderr, process.stderr);
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const closed = new Promise((resolve) => child.once('close', resolve));
    void exited.then(({ code, signal }) => {
      if (stopping) return;
      failed = { service, code, signal, tail };
      stop(1);
    });
    return { service, child, tail, exited, closed };
  });

  function stop(code) {
    exitCode ||= code;
    if (stopping) return;
    stopping = true;
    for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }

  // One Ctrl-C can arrive twice at once: from the terminal (to the whole foreground group) and
  // forwarded by npm. Within this window a repeat is the same request, not "force".
  const SAME_REQUEST_MS = 1_000;
  let firstSignalAt = null;
  const onSignal = (signal) => {
    if (firstSignalAt !== null && performance.now() - firstSignalAt < SAME_REQUEST_MS) return;
    if (firstSignalAt === null) {
      firstSignalAt = performance.now();
      process.stderr.write(`\n${signal}: stopping every service (again to force)\n`);
      stop(0);
      return;
    }
    // A service's second signal makes it exit at once without waiting.
    exitCode = 130;
    for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, onSignal);

  const allClosed = Promise.all(children.map(({ exited, closed }) => Promise.all([exited, closed])));
  const exited = allClosed.then((results) => {
    if (failed) {
      // The failing service's own words come last, after the others' shutdown lines.
      const { service, code, signal, tail } = failed;
      process.stderr.write(`\n${service.name} stopped unexpectedly (${signal ?? `exit code ${code}`}); its last output:\n`);
      for (const line of tail) process.stderr.write(`  ${line}\n`);
      return exitCode || 1;
    }
    const unclean = results.filter(([{ code }]) => code !== 0).length;
    if (exitCode === 0 && unclean > 0) exitCode = 1;
    process.stderr.write(exitCode === 0 ? 'every service stopped cleanly\n' : `stopped (exit code ${exitCode})\n`);
    return exitCode;
  });

  const waitReady = async ({ service, child, tail }) => {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!stopping && child.exitCode === null) {
      const response = await fetch(service.readyUrl, { signal: AbortSignal.timeout(2_000) }).catch(() => null);
      await response?.body?.cancel();
      if (response?.ok) return true;
      if (Date.now() > deadline) {
        process.stderr.write(`\n${service.name} did not become ready within ${READY_TIMEOUT_MS / 1000} s (${service.readyUrl})\n`);
        failed = { service, code: null, signal: 'not ready in time', tail };
        stop(1);
        return false;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
    return false;
  };
  const ready = Promise.all(children.map(waitReady)).then((states) => states.every(Boolean) && !stopping);

  return { ready, exited };
}
