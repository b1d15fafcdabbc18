// The PostgreSQL pool as a bulkhead (src/postgres-adapter.ts boundQueue): past its connections a
// bounded number of queries wait, for a bounded time; the rest are refused at once with a code
// that survives Prisma, so the service can answer "busy" instead of queueing without end.
import { PrismaClient } from '../src/members.js';
import { openDatabase, DATABASE_BUSY, type OpenedDatabase } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing.js';

let testDb: TestDatabase;
const opened: OpenedDatabase[] = [];
const clients: PrismaClient[] = [];

beforeAll(async () => {
  testDb = await createTestDatabase('prisma_pool_bulkhead');
});
afterAll(async () => {
  for (const client of clients) await client.$disconnect();
  for (const database of opened) await database.close();
  await testDb.drop();
});

async function client(poolSize: number, queue: { maxQueued: number; maxWaitMs: number }) {
  const database = await openDatabase({ kind: 'postgres', url: testDb.url }, { poolSize, queue });
  opened.push(database);
  const prisma = new PrismaClient({ adapter: database.adapterFactory });
  clients.push(prisma);
  return { prisma, database };
}

const slowQuery = (prisma: PrismaClient, seconds: number) => prisma.$queryRawUnsafe(`SELECT 1 AS one FROM pg_sleep(${seconds})`);

async function settle(work: Promise<unknown>[]) {
  const started = performance.now();
  const results = await Promise.all(
    work.map((promise) =>
      promise.then(
        () => ({ ok: true as const, afterMs: performance.now() - started }),
        (error: unknown) => ({ ok: false as const, code: (error as { code?: unknown }).code, afterMs: performance.now() - started }),
      ),
    ),
  );
  return { served: results.filter((r) => r.ok), refused: results.filter((r) => !r.ok) };
}

describe('a pool of 2 connections with room for 2 waiting queries', () => {
  it('serves 4 of 10 concurrent queries and refuses 6 at once, as DATABASE_BUSY', async () => {
    const { prisma, database } = await client(2, { maxQueued: 2, maxWaitMs: 10_000 });
    const { served, refused } = await settle(Array.from({ length: 10 }, () => slowQuery(prisma, 0.5)));
    expect(served).toHaveLength(4);
    expect(refused).toHaveLength(6);
    expect(refused.every(({ code }) => code === DATABASE_BUSY)).toBe(true);
    // Refused without waiting for a connection: before any served query had finished.
    expect(Math.max(...refused.map(({ afterMs }) => afterMs))).toBeLessThan(Math.min(...served.map(({ afterMs }) => afterMs)));
    expect(database.poolStats()).toMatchObject({ refused: 6, waiting: 0 });
    // The pool serves again once the burst is over.
    await expect(slowQuery(prisma, 0)).resolves.toEqual([{ one: 1 }]);
  });

  it('refuses a queued query that waited longer than the bound', async () => {
    const { prisma } = await client(1, { maxQueued: 5, maxWaitMs: 100 });
    const { served, refused } = await settle([slowQuery(prisma, 0.5), slowQuery(prisma, 0)]);
    expect(served).toHaveLength(1);
    expect(refused).toEqual([expect.objectContaining({ code: DATABASE_BUSY })]);
    // Given up on at its bound, not served once the first query let go of the connection.
    expect(refused[0]!.afterMs).toBeLessThan(served[0]!.afterMs);
  });
});
