import type { Registry } from 'prom-client';

/**
 * The value of one series in a registry: `name` as Prometheus shows it (a histogram's `_count`,
 * `_sum` and `_bucket` series by their own names), the first whose labels include `labels`.
 */
export async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  for (const metric of await registry.getMetricsAsJSON()) {
    for (const value of metric.values) {
      const series = (value as { metricName?: string }).metricName ?? metric.name;
      if (series === name && Object.entries(labels).every(([key, expected]) => String(value.labels[key]) === expected)) return value.value;
    }
  }
  return undefined;
}

/** Every label set of one series, e.g. to check that label values stay bounded. */
export async function metricLabels(registry: Registry, name: string): Promise<Record<string, string>[]> {
  const sets: Record<string, string>[] = [];
  for (const metric of await registry.getMetricsAsJSON()) {
    for (const value of metric.values) {
      const series = (value as { metricName?: string }).metricName ?? metric.name;
      if (series === name) sets.push(Object.fromEntries(Object.entries(value.labels).map(([key, label]) => [key, String(label)])));
    }
  }
  return sets;
}
