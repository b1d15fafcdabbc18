import { randomUUID } from 'node:crypto';
import { createHistoryTestDb, type HistoryTestDb } from './support/database.js';
import { TEST_EVENTS_SECRET, createTestServer } from './support/server.js';
import { chainOf } from './support/events.js';
import type { HistoryServer } from '../src/server.js';

let testDb: HistoryTestDb;
let server: HistoryServer;
let url: string;

beforeAll(async () => {
  testDb = await createHistoryTestDb();
  server = await createTestServer(testDb.db);
  url = `${await server.http.listen(0)}/internal/events`;
});
afterAll(async () => {
  await server.close();
  await testDb.close();
});

const deliver = (body: unknown, secret = TEST_EVENTS_SECRET) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-events-secret': secret }, body: JSON.stringify(body) });
const historyOf = (memberId: string) => testDb.db.nicknameChange.findMany({ where: { memberId }, orderBy: { version: 'asc' } });

describe('event intake', () => {
  it('stores a batch and acknowledges it', async () => {
    const member = randomUUID();
    const response = await deliver({ events: chainOf(member, ['x1', 'x2']) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: 2, recorded: 2 });
    expect((await historyOf(member)).map((row) => row.nickname)).toEqual(['x1', 'x2']);
  });

  it('stores each event exactly once however often it is delivered, in any order', async () => {
    const member = randomUUID();
    const events = chainOf(member, ['y1', 'y2', 'y3']);
    await deliver({ events: [events[2], events[0]] });
    await deliver({ events: [events[1], events[2], events[0]] });
    const response = await deliver({ events });
    expect(await response.json()).toEqual({ received: 3, recorded: 0 });
    const history = await historyOf(member);
    expect(history.map((row) => [row.version, row.previousNickname, row.nickname])).toEqual([
      [1, null, 'y1'],
      [2, 'y1', 'y2'],
      [3, 'y2', 'y3'],
    ]);
  });

  it('rejects a producer without the events secret', async () => {
    const member = randomUUID();
    const response = await deliver({ events: chainOf(member, ['z1']) }, 'wrong-secret-wrong-secret-wrong-secret');
    expect(response.status).toBe(401);
    expect(await historyOf(member)).toEqual([]);
  });

  it.each([
    ['not an event', { events: [{ hello: 'world' }] }],
    ['an empty batch', { events: [] }],
    ['a bad member id', { events: [{ ...chainOf(randomUUID(), ['q'])[0], memberId: 'x' }] }],
    ['a version beyond what the database holds (2^31)', { events: [{ ...chainOf(randomUUID(), ['q'])[0], version: 2 ** 31 }] }],
    ['a fractional version', { events: [{ ...chainOf(randomUUID(), ['q'])[0], version: 1.5 }] }],
    [
      'a NUL character in a nickname (PostgreSQL text cannot hold it)',
      { events: [{ ...chainOf(randomUUID(), ['q'])[0], nickname: 'nul\u0000here' }] },
    ],
    [
      'a lone surrogate in a nickname (would be stored as U+FFFD)',
      { events: [{ ...chainOf(randomUUID(), ['q'])[0], nickname: 'half\ud800' }] },
    ],
    ['a lone surrogate in a previous nickname', { events: [{ ...chainOf(randomUUID(), ['q', 'r'])[1], previousNickname: '\udc00' }] }],
    [
      'a changedAt in year 0000 (timestamptz has no year 0)',
      { events: [{ ...chainOf(randomUUID(), ['q'])[0], changedAt: '0000-01-01T00:00:00Z' }] },
    ],
  ])('answers 400 to %s and stores nothing', async (_case, body) => {
    const before = await testDb.db.nicknameChange.count();
    const response = await deliver(body);
    expect(response.status).toBe(400);
    expect(await testDb.db.nicknameChange.count()).toBe(before);
  });

  it('answers 400 to malformed JSON and to a body that is not UTF-8, and stores nothing', async () => {
    const before = await testDb.db.nicknameChange.count();
    const headers = { 'content-type': 'application/json', 'x-events-secret': TEST_EVENTS_SECRET };
    expect((await fetch(url, { method: 'POST', headers, body: '{"events": [' })).status).toBe(400);
    const text = Buffer.from(JSON.stringify({ events: chainOf(randomUUID(), ['BROKEN']) }));
    const at = text.indexOf('BROKEN');
    text[at] = 0xff;
    expect((await fetch(url, { method: 'POST', headers, body: text })).status).toBe(400);
    expect(await testDb.db.nicknameChange.count()).toBe(before);
  });

  it('answers the 400 naming the field and the bound', async () => {
    const response = await deliver({ events: [{ ...chainOf(randomUUID(), ['q'])[0], version: 2 ** 31 }] });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'malformed event batch',
      issues: [expect.objectContaining({ code: 'too_big', maximum: 2 ** 31 - 1, path: ['events', 0, 'version'] })],
    });
  });

  it('stores the longest nickname the column holds: 200 code points, however many UTF-16 units', async () => {
    const member = randomUUID();
    const nickname = `a${'\u{1D167}'.repeat(199)}`; // a letter and 199 combining marks outside the BMP: 399 UTF-16 units
    const response = await deliver({ events: chainOf(member, [nickname]) });
    expect(response.status).toBe(200);
    expect((await historyOf(member)).map((row) => row.nickname)).toEqual([nickname]);
  });

  it('stores the largest version the database holds', async () => {
    const member = randomUUID();
    const response = await deliver({ events: [{ ...chainOf(member, ['max'])[0], version: 2 ** 31 - 1 }] });
    expect(response.status).toBe(200);
    expect((await historyOf(member)).map((row) => row.version)).toEqual([2 ** 31 - 1]);
  });

  it('stores nothing from a batch with one malformed event', async () => {
    const member = randomUUID();
    const [good] = chainOf(member, ['ok']);
    const response = await deliver({ events: [good, { ...good, eventId: randomUUID(), version: -1 }] });
    expect(response.status).toBe(400);
    expect(await historyOf(member)).toEqual([]);
  });
});
