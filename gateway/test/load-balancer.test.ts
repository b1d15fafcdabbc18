// Replicas behind a real load balancer (HAProxy, installed from Debian's packages if missing):
// the balancer retries only what is safe to repeat, and the whole system, two replicas of each
// service built from dist, keeps answering while each tier loses one replica to SIGKILL and one
// to SIGTERM, without losing or duplicating a nickname change. `npm run demo:scale` is the longer
// version of the second test, for a person to watch.
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureHaproxy, haproxyConfig, HaproxyProcess } from '../bench/support/haproxy.js';
import { formatResult, runScaleProof } from '../bench/support/scale-proof.js';
import { freePort } from '@mp/testkit';

describe('the balancer retry policy', () => {
  let server: Server;
  let proxy: HaproxyProcess;
  let front: string;
  /** Bodies of the GraphQL requests the server received; it drops every connection without answering. */
  const received: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/readyz') {
        res.end('ok');
        return;
      }
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push(body);
        req.socket.destroy();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const [listenPort, statsPort] = [await freePort(), await freePort()];
    const tiers = [{ name: 'dropping', listenPort, servers: [{ name: 'dropping-1', port }] }];
    proxy = await HaproxyProcess.start(
      ensureHaproxy(),
      mkdtempSync(join(tmpdir(), 'retry-policy-')),
      haproxyConfig(tiers, statsPort),
      statsPort,
    );
    front = `http://127.0.0.1:${listenPort}/graphql`;
  });
  afterAll(async () => {
    await proxy.stop();
    server.close();
  });

  const post = async (body: unknown) => {
    received.length = 0;
    const response = await fetch(front, {
      method: 'POST',
      headers: { 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify(body),
    });
    return { status: response.status, attempts: received.length };
  };

  it('sends a query again after an empty response (4 attempts in all)', async () => {
    expect(await post({ query: 'query Me { me { id } }' })).toEqual({ status: 502, attempts: 4 });
  });

  it('never sends a mutation twice, nor a request without document text (a persisted document may be a mutation)', async () => {
    expect(await post({ query: 'mutation Change { changeNickname(input: {}) { member { id } } }' })).toEqual({ status: 502, attempts: 1 });
    expect(await post({ query: '{ me { id } }\nmutation M { x }' })).toEqual({ status: 502, attempts: 1 });
    expect(await post({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } })).toEqual({
      status: 502,
      attempts: 1,
    });
  });
});

describe('2 gateways, 2 members, 2 nickname-history behind HAProxy', () => {
  const CONCURRENCY = 6;
  it('fails no query, and only mutations in flight on a killed replica, and loses or duplicates no nickname change, while each tier loses a replica to SIGKILL and one to SIGTERM', async () => {
    const lines: string[] = [];
    const result = await runScaleProof({
      durationMs: 25_000,
      concurrency: CONCURRENCY,
      members: 100,
      mutationShare: 0.12,
      // The relay's lease (30 s) bounds the wait for rows a killed relay had claimed.
      settleTimeoutMs: 40_000,
      log: (line) => lines.push(line),
    });
    const report = [...lines, '', ...formatResult(result)].join('\n');
    // The failure rate depends on throughput, which depends on what else runs on this machine
    // (`npm run demo:scale` holds it to < 0.1 %). What does not: no query fails (the balancer and
    // the gateway retry them), and only mutations in flight on a SIGKILLed gateway or members
    // replica may fail (never retried): at most one per client for each of those two kills.
    const rateGoal = 'failed requests';
    expect({ goalsMissed: result.goals.filter((goal) => !goal.met && goal.name !== rateGoal).map((goal) => goal.name), report }).toEqual({
      goalsMissed: [],
      report: expect.any(String),
    });
    expect({ failedQueries: result.requests.query.failed, report }).toEqual({ failedQueries: 0, report: expect.any(String) });
    expect(result.requests.mutation.failed).toBeLessThanOrEqual(2 * CONCURRENCY);
    // Enough changes to audit, even when the machine is busy with other suites (62 in one such run).
    expect(result.requests.mutation.sent).toBeGreaterThan(20);
    expect(result.audit.lost).toEqual([]);
    expect(result.audit.duplicated).toEqual([]);
    expect(result.audit.brokenChains).toEqual([]);
  }, 120_000);
});
