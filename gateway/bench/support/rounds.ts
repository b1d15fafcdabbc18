// What both peer benchmarks record per target and round, and how they print it: throughput,
// latency, errors, and the CPU the target's gateway and subgraph processes spent per request.
import type autocannon from 'autocannon';
import { cpuSeconds, median } from './system-processes.js';

export interface MeasuredProcesses {
  /** The gateway's processes; none for a direct call. */
  gatewayPids: number[];
  /** The subgraphs' processes it sends to. */
  subgraphPids: number[];
}

/** A target's figures, one entry per round. */
export interface Rounds {
  rps: number[];
  p50: number[];
  p99: number[];
  gatewayCpu: number[];
  subgraphCpu: number[];
  perCore: number[];
  errors: number;
}

const cpuOf = (pids: number[]) => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);

/** Every target's rounds, by name. */
export class RoundResults {
  private readonly rows = new Map<string, Rounds>();

  /** Runs one round of `target` and records it. */
  async measure(name: string, target: MeasuredProcesses, run: () => Promise<autocannon.Result>): Promise<void> {
    const [gatewayBefore, subgraphsBefore] = [cpuOf(target.gatewayPids), cpuOf(target.subgraphPids)];
    const result = await run();
    const gatewaySeconds = cpuOf(target.gatewayPids) - gatewayBefore;
    const subgraphSeconds = cpuOf(target.subgraphPids) - subgraphsBefore;
    const row = this.rows.get(name) ?? { rps: [], p50: [], p99: [], gatewayCpu: [], subgraphCpu: [], perCore: [], errors: 0 };
    this.rows.set(name, row);
    row.rps.push(result.requests.average);
    row.p50.push(result.latency.p50);
    row.p99.push(result.latency.p99);
    if (target.gatewayPids.length > 0) row.gatewayCpu.push((gatewaySeconds * 1000) / result.requests.total);
    row.subgraphCpu.push((subgraphSeconds * 1000) / result.requests.total);
    // Requests per CPU-second of the gateway and the subgraphs (PostgreSQL not counted).
    row.perCore.push(result.requests.total / (gatewaySeconds + subgraphSeconds));
    row.errors += result.errors + result.non2xx + result.timeouts;
  }

  /** The median requests/s of a target. */
  rps(name: string): number {
    return median(this.rows.get(name)!.rps);
  }

  /** One line per target: the medians, each target's ratio to every `versus` target, and `extra` columns. */
  print(versus: Record<string, string>, extra: (rounds: Rounds) => Record<string, string | number> = () => ({})): void {
    const ratios = Object.entries(versus).map(([column, name]) => [column, this.rps(name)] as const);
    console.table(
      Object.fromEntries(
        [...this.rows].map(([name, r]) => [
          name,
          {
            'req/s': Math.round(median(r.rps)),
            'p50 ms': median(r.p50),
            'p99 ms': median(r.p99),
            errors: r.errors,
            ...Object.fromEntries(ratios.map(([column, rps]) => [column, `${(median(r.rps) / rps).toFixed(2)}×`])),
            'gateway CPU ms/req': r.gatewayCpu.length > 0 ? median(r.gatewayCpu).toFixed(2) : '—',
            'subgraphs CPU ms/req': median(r.subgraphCpu).toFixed(2),
            ...extra(r),
          },
        ]),
      ),
    );
  }
}
