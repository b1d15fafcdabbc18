import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createSubgraphFetcher, type SubgraphFetcher } from '../src/subgraph-fetcher.js';

// A stand-in subgraph that either hangs (never answers) or answers at once, and counts requests.
let mode: 'hang' | 'answer' = 'hang';
let received = 0;
const hanging = new Set<import('node:http').ServerResponse>();
let server: Server;
let url: string;
let subgraph: SubgraphFetcher;

beforeAll(async () => {
  server = createServer((_req, res) => {
    received += 1;
    if (mode === 'answer') res.end('{"data":{}}');
    else hanging.add(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  subgraph = createSubgraphFetcher('nickname-history', 200, pino({ level: 'silent' }), {
    volumeThreshold: 3,
    errorThresholdPercentage: 50,
    resetTimeoutMs: 500,
  });
});
afterAll(async () => {
  subgraph.shutdown();
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const call = () => subgraph.fetcher(url, { method: 'POST', body: '{}' });

describe('subgraph circuit breaker', () => {
  it('fails fast once a hanging subgraph has timed out often enough, without sending it more requests', async () => {
    for (let i = 0; i < 3; i += 1) {
      await expect(call()).rejects.toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'nickname-history' } });
    }
    expect(received).toBe(3);
    expect(subgraph.state()).toBe('open');

    const started = performance.now();
    await expect(call()).rejects.toMatchObject({ message: 'The nickname-history service is unavailable' });
    expect(performance.now() - started).toBeLessThan(150); // well under the 200 ms deadline
    expect(received).toBe(3);
  });

  it('lets one trial request through after the reset time and closes when it succeeds', async () => {
    mode = 'answer';
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(subgraph.state()).toBe('half-open');
    const response = await call();
    expect(response.status).toBe(200);
    expect(subgraph.state()).toBe('closed');
    expect(received).toBe(4);
  });

  it('treats HTTP error answers as answers, not failures', async () => {
    const erroring = createServer((_req, res) => {
      res.statusCode = 500;
      res.end('{"errors":[{"message":"Internal server error"}]}');
    });
    await new Promise<void>((resolve) => erroring.listen(0, '127.0.0.1', resolve));
    const fetcher = createSubgraphFetcher('members', 200, pino({ level: 'silent' }), {
      volumeThreshold: 1,
      errorThresholdPercentage: 1,
      resetTimeoutMs: 10_000,
    });
    try {
      const target = `http://127.0.0.1:${(erroring.address() as AddressInfo).port}/graphql`;
      for (let i = 0; i < 3; i += 1) expect((await fetcher.fetcher(target, { method: 'POST', body: '{}' })).status).toBe(500);
      expect(fetcher.state()).toBe('closed');
    } finally {
      fetcher.shutdown();
      await new Promise((resolve) => erroring.close(resolve));
    }
  });
});
