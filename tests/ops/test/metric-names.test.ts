// The dashboard's and the alert rules' queries are valid PromQL and name only metrics the services
// export: a renamed metric fails here, not silently on an operator's screen.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectDefaultMetrics, Registry } from 'prom-client';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PROMTOOL = process.env['PROMTOOL_PATH'] ?? 'promtool';

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );

/**
 * Every metric name the services can register: the snake_case string literals of their sources
 * (metric names are literals there), Node's defaults, and the series a histogram adds.
 */
function exportedNames(): Set<string> {
  const dirs = ['gateway/src', 'packages/service-kit/src', 'subgraphs/members/src', 'subgraphs/nickname-history/src'];
  const declared = dirs
    .flatMap((dir) => sourceFiles(join(ROOT, dir)))
    .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/'([a-z][a-z0-9]*(?:_[a-z0-9]+){2,})'/g)].map((match) => match[1]!));
  const defaults = new Registry();
  collectDefaultMetrics({ register: defaults });
  const base = [...declared, ...defaults.getMetricsAsArray().map((metric) => metric.name)];
  return new Set(base.flatMap((name) => [name, `${name}_bucket`, `${name}_count`, `${name}_sum`]));
}

const FUNCTIONS = new Set(['histogram_quantile']);
/** Metric names a query reads: identifiers outside strings, label matchers and grouping clauses. */
const metricsIn = (expr: string): string[] =>
  [
    ...expr
      .replace(/"[^"]*"/g, '')
      .replace(/\{[^}]*\}/g, '')
      .replace(/\b(by|without)\s*\([^)]*\)/g, '')
      .matchAll(/\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g),
  ]
    .map((match) => match[0])
    .filter((name) => !FUNCTIONS.has(name));

const dashboard = JSON.parse(readFileSync(join(ROOT, 'ops/grafana/dashboards/members-platform.json'), 'utf8')) as {
  panels: { title: string; targets: { expr: string }[] }[];
};
const dashboardQueries = dashboard.panels.flatMap((panel) => panel.targets.map((target) => ({ where: panel.title, expr: target.expr })));
const alertQueries = [
  ...readFileSync(join(ROOT, 'ops/prometheus/alerts.yml'), 'utf8').matchAll(
    /- alert: (\w+)\n\s+expr: (?:\|\n)?([\s\S]*?)\n\s+(?:for|labels):/g,
  ),
].map((match) => ({ where: match[1]!, expr: match[2]!.trim() }));

it('finds the queries it checks', () => {
  expect(dashboardQueries.length).toBeGreaterThanOrEqual(15);
  expect(alertQueries.map((query) => query.where)).toEqual([
    'SubgraphCircuitOpen',
    'OutboxEventsNotLeaving',
    'GatewayServerErrors',
    'GatewayLatencyOverBudget',
    'EventsDeadLettered',
    'EventDelayOverBudget',
    'DatabaseReplicaNotServing',
    'DatabasePoolRefusingQueries',
  ]);
});

it('names only metrics the services export', () => {
  const exported = exportedNames();
  const unknown = [...dashboardQueries, ...alertQueries].flatMap(({ where, expr }) =>
    metricsIn(expr)
      .filter((name) => !exported.has(name))
      .map((name) => `${where}: ${name}`),
  );
  expect(unknown).toEqual([]);
});

it('has only valid PromQL in the dashboard (promtool checks it as recording rules)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dashboard-rules-'));
  const rules = dashboardQueries.map(
    ({ expr }, index) => `      - record: dashboard:query_${index}\n        expr: ${JSON.stringify(expr)}`,
  );
  writeFileSync(join(dir, 'rules.yml'), `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
  const run = spawnSync(PROMTOOL, ['check', 'rules', join(dir, 'rules.yml')], { encoding: 'utf8' });
  expect(run.stdout + run.stderr).toMatch(new RegExp(`SUCCESS: ${dashboardQueries.length} rules found`));
  expect(run.status).toBe(0);
});
