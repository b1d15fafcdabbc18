// Sockets as a careless or hostile client holds them: idle, slow to send headers, dripping a body,
// or thousands at once. Each is bounded (limits set small here so the test is quick).
import { connect, type Socket } from 'node:net';
import { waitFor } from '@mp/testkit';
import { TestSystem } from './support/system.js';

const LIMITS = { keepAliveTimeoutMs: 300, headersTimeoutMs: 500, requestTimeoutMs: 1_000, maxConnections: 5 };

let system: TestSystem;
let port: number;
beforeAll(async () => {
  system = await TestSystem.start('postgres', { connectionLimits: LIMITS });
  port = Number(new URL(system.gatewayUrl).port);
});
afterAll(() => system?.close());

interface Watched {
  socket: Socket;
  received: () => string;
  closedAt: Promise<number>;
}

async function open(): Promise<Watched> {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => {});
  const closedAt = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now())));
  await new Promise((resolve) => socket.once('connect', resolve));
  return { socket, received: () => received, closedAt };
}

it('closes a kept-alive connection once it has been idle for the keep-alive time', async () => {
  const { socket, received, closedAt } = await open();
  socket.write('GET /healthz HTTP/1.1\r\nHost: gateway\r\nConnection: keep-alive\r\n\r\n');
  await waitFor(
    'the answer',
    () => Promise.resolve(received()),
    (text) => text.includes('\r\n\r\n'),
  );
  const answeredAt = performance.now();
  expect(received()).toMatch(/^HTTP\/1.1 200/);
  const idleFor = (await closedAt) - answeredAt;
  expect(idleFor).toBeGreaterThanOrEqual(LIMITS.keepAliveTimeoutMs - 50);
  expect(idleFor).toBeLessThan(LIMITS.keepAliveTimeoutMs + 3_000);
});

it('cuts off a client that does not finish its headers', async () => {
  const started = performance.now();
  const { socket, closedAt } = await open();
  socket.write('POST /graphql HTTP/1.1\r\nHost: gateway\r\n');
  // Node checks the deadline once a second.
  expect((await closedAt) - started).toBeLessThan(LIMITS.headersTimeoutMs + 2_500);
});

it('answers a body dripped a byte at a time with 408 once the request deadline passes', async () => {
  const started = performance.now();
  const { socket, received, closedAt } = await open();
  socket.write('POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n');
  const drip = setInterval(() => socket.writable && socket.write('{'), 100);
  const closed = await closedAt;
  clearInterval(drip);
  expect(received()).toMatch(/^HTTP\/1.1 408/);
  expect(closed - started).toBeLessThan(LIMITS.requestTimeoutMs + 2_500);
});

it('holds at most maxConnections connections: the next one is closed at once, the others keep working', async () => {
  const held = await Promise.all(Array.from({ length: LIMITS.maxConnections }, () => open()));
  const extra = await open();
  const extraClosedAt = await extra.closedAt;
  expect(extra.received()).toBe('');
  // The held ones are still open and served.
  const [first] = held;
  first!.socket.write('GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n');
  await waitFor(
    'a held connection to be served',
    () => Promise.resolve(first!.received()),
    (text) => text.startsWith('HTTP/1.1 200'),
  );
  expect(extraClosedAt).toBeLessThan(performance.now());
  for (const { socket } of held) socket.destroy();
  await Promise.all(held.map(({ closedAt }) => closedAt));
});
