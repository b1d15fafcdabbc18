// The Prometheus configuration and alert rules in ops/prometheus, checked by Prometheus's own tool:
// the config parses with its rule files, and every alert fires on the series that mean trouble and
// stays quiet otherwise (alerts.test.yml).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Debian's prometheus package (npm test's preflight installs it when missing); PROMTOOL_PATH overrides.
const PROMTOOL = process.env['PROMTOOL_PATH'] ?? 'promtool';
const OPS = fileURLToPath(new URL('../../../ops/prometheus/', import.meta.url));

const promtool = (...args: string[]) => spawnSync(PROMTOOL, args, { cwd: OPS, encoding: 'utf8' });

it('accepts the scrape configuration and the rule files it names', () => {
  const run = promtool('check', 'config', 'prometheus.yml');
  expect(run.error).toBeUndefined();
  expect(run.stdout + run.stderr).toMatch(/SUCCESS: 8 rules found/);
  expect(run.status).toBe(0);
});

it('passes the alert rules unit tests', () => {
  const run = promtool('test', 'rules', 'alerts.test.yml');
  expect(run.error).toBeUndefined();
  expect(run.stdout + run.stderr).toMatch(/SUCCESS/);
  expect(run.status).toBe(0);
});
