import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { waitFor } from '@mp/testkit';
import { createSubgraphFetcher, type SubgraphFetcher } from '../src/subgraph-fetcher.js';

// A stand-in subgraph that either hangs (never answers) or answers at once, and counts requests.
// Each case gets its own stand-in and breaker: no case depends on what another left behind.
class StandIn {
  mode: 'hang' | 'answer' = 'hang';
  received = 0;
  readonly url: Promise<string>;
  private readonly hanging = new Set<ServerResponse>();
  private readonly server: Server = createServer((_req, res) => {
    this.received += 1;
    if (this.mode === 'answer') res.end('{"data":{}}');
    else this.hanging.add(res);
  });

  constructor() {
    this.url = new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve)).then(
      () => `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/graphql`,
    );
  }

  async close() {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

let standIn: StandIn;
let subgraph: SubgraphFetcher;

beforeEach(async () => {
  standIn = new StandIn();
  subgraph = createSubgraphFetcher(
    'nickname-history',
    await standIn.url,
    { timeoutMs: 200, maxResponseBytes: 1_000_000 },
    pino({ level: 'silent' }),
    {
      volumeThreshold: 3,
      errorThresholdPercentage: 50,
      resetTimeoutMs: 500,
    },
  );
});
afterEach(async () => {
  await subgraph.shutdown();
  await standIn.close();
});

const call = () => subgraph.send({ headers: { 'content-type': 'application/json' }, body: '{}' });

async function tripTheBreaker() {
  for (let i = 0; i < 3; i += 1) {
    await expect(call()).rejects.toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'nickname-history' } });
  }
}

describe('subgraph circuit breaker', () => {
  it('fails fast once a hanging subgraph has timed out often enough, without sending it more requests', async () => {
    await tripTheBreaker();
    expect(standIn.received).toBe(3);
    expect(subgraph.state()).toBe('open');

    const started = performance.now();
    await expect(call()).rejects.toMatchObject({ message: 'The nickname-history service is unavailable' });
    expect(performance.now() - started).toBeLessThan(150); // well under the 200 ms deadline
    expect(standIn.received).toBe(3);
  });

  it('lets one trial request through after the reset time and closes when it succeeds', async () => {
    await tripTheBreaker();
    standIn.mode = 'answer';
    await waitFor(
      'the circuit to half-open after its reset time',
      () => subgraph.state(),
      (state) => state === 'half-open',
    );
    expect(standIn.received).toBe(3);
    const response = await call();
    expect(response.status).toBe(200);
    expect(subgraph.state()).toBe('closed');
    expect(standIn.received).toBe(4);
  });

  it('treats HTTP error answers as answers, not failures', async () => {
    const erroring = createServer((_req, res) => {
      res.statusCode = 500;
      res.end('{"errors":[{"message":"Internal server error"}]}');
    });
    await new Promise<void>((resolve) => erroring.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${(erroring.address() as AddressInfo).port}/graphql`;
    const fetcher = createSubgraphFetcher('members', target, { timeoutMs: 200, maxResponseBytes: 1_000_000 }, pino({ level: 'silent' }), {
      volumeThreshold: 1,
      errorThresholdPercentage: 1,
      resetTimeoutMs: 10_000,
    });
    try {
      for (let i = 0; i < 3; i += 1) expect((await fetcher.send({ headers: {}, body: '{}' })).status).toBe(500);
      expect(fetcher.state()).toBe('closed');
    } finally {
      await fetcher.shutdown();
      await new Promise((resolve) => erroring.close(resolve));
    }
  });
});
