// Proof: replicas behind a real load balancer. HAProxy (Debian's, installed if missing, run in the
// foreground with a config of its own) in front of 2 gateways and between the gateways and 2
// replicas of each subgraph, health-checked on /readyz; production settings on real PostgreSQL,
// RabbitMQ and Redis. A steady mixed load runs through the front while each tier loses one replica
// to SIGKILL and the other to SIGTERM; then every nickname change is audited in nickname-history.
// Prints a progress line a second and a final table; exits 1 when a goal is missed.
// Run: npm run demo:scale   (SCALE_SECONDS, SCALE_CLIENTS, SCALE_MEMBERS, SCALE_MUTATION_SHARE;
// SCALE_KEEP_LOGS=1 keeps HAProxy's and the replicas' logs, which are kept anyway when a goal is missed)
import { formatResult, runScaleProof } from './support/scale-proof.js';

const numberFrom = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};

const result = await runScaleProof({
  durationMs: numberFrom('SCALE_SECONDS', 30) * 1000,
  concurrency: numberFrom('SCALE_CLIENTS', 8),
  members: numberFrom('SCALE_MEMBERS', 200),
  mutationShare: numberFrom('SCALE_MUTATION_SHARE', 0.15),
  // Longer than the relay's 30 s lease: rows a killed relay had claimed wait for it to expire.
  settleTimeoutMs: 60_000,
  log: (line) => console.log(line),
  keepLogs: process.env['SCALE_KEEP_LOGS'] === '1',
});
console.log('');
for (const line of formatResult(result)) console.log(line);
console.log('');
console.log(result.ok ? 'all goals met' : `GOAL MISSED (logs in ${result.workDir})`);
process.exitCode = result.ok ? 0 : 1;
