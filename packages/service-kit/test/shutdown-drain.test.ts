// SIGTERM takes a server out of rotation before it closes: /readyz answers 503 for the drain
// delay while the port still serves, then the process exits cleanly.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('./fixtures/drain-on-sigterm.ts', import.meta.url));

it('answers /readyz 503 during the drain delay after SIGTERM, then exits 0', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], { env: { ...process.env, DRAIN_DELAY_MS: '1500' } });
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const url = line.toString().trim();
  expect((await fetch(`${url}/readyz`)).status).toBe(200);

  const exited = once(child, 'exit');
  const signalled = performance.now();
  child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 200));
  const draining = await fetch(`${url}/readyz`);
  expect(draining.status).toBe(503);
  expect(await draining.json()).toEqual({ status: 'draining' });
  expect((await fetch(`${url}/healthz`)).status).toBe(200);

  const [code] = (await exited) as [number | null];
  expect(code).toBe(0);
  expect(performance.now() - signalled).toBeGreaterThanOrEqual(1_400);
  await expect(fetch(`${url}/readyz`)).rejects.toThrow();
}, 30_000);
