// docker-compose.yml wires the operators' files to the images that read them: the paths exist, and
// Prometheus scrapes each service on the METRICS_PORT that service is given, and traces reach Jaeger.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
interface Service {
  environment?: Record<string, string>;
  volumes?: string[];
  expose?: string[];
}
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const prometheusConfig = parse(readFileSync(join(ROOT, 'ops/prometheus/prometheus.yml'), 'utf8')) as {
  scrape_configs: { dns_sd_configs: { names: string[]; type: string; port: number }[] }[];
};

it('mounts only files and folders that exist in the repository', () => {
  for (const name of [
    'prometheus',
    'grafana',
    'balancer',
    'members-db',
    'members-db-replica',
    'nickname-history-db',
    'nickname-history-db-replica',
  ]) {
    const mounts = (compose.services[name]?.volumes ?? [])
      .filter((volume) => volume.startsWith('./'))
      .map((volume) => volume.split(':')[0]!);
    expect(mounts.length).toBeGreaterThan(0);
    for (const mount of mounts) expect([name, mount, existsSync(join(ROOT, mount))]).toEqual([name, mount, true]);
  }
});

it('scrapes every replica of each service on the metrics port it is given', () => {
  // Docker's DNS answers a service's name with one A record per replica.
  const targets = prometheusConfig.scrape_configs.flatMap((config) =>
    config.dns_sd_configs.filter((group) => group.type === 'A').flatMap((group) => group.names.map((name) => `${name}:${group.port}`)),
  );
  for (const service of ['gateway', 'members', 'nickname-history']) {
    const port = compose.services[service]?.environment?.['METRICS_PORT'];
    expect([service, port]).toEqual([service, expect.stringMatching(/^\d+$/)]);
    expect(targets).toContain(`${service}:${port}`);
  }
});

it("sends every service's traces to the trace backend it runs", () => {
  const backend = compose.services['jaeger'];
  expect(backend).toBeDefined();
  for (const name of ['gateway', 'members', 'nickname-history']) {
    const endpoint = new URL(compose.services[name]?.environment?.['OTEL_EXPORTER_OTLP_ENDPOINT'] ?? 'missing:');
    expect(endpoint.hostname).toBe('jaeger');
    expect(backend!.expose).toContain(endpoint.port);
  }
});
