import { backoffDelay, wakeableSleep } from '../src/retry.js';

describe('backoffDelay', () => {
  it('stays within base * 2^(attempt-1), capped, and is spread out (full jitter)', () => {
    const options = { baseMs: 100, maxMs: 1_000 };
    for (const [attempt, ceiling] of [
      [1, 100],
      [2, 200],
      [3, 400],
      [4, 800],
      [5, 1_000],
      [60, 1_000],
    ] as const) {
      const delays = Array.from({ length: 200 }, () => backoffDelay(attempt, options));
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...delays)).toBeLessThanOrEqual(ceiling);
      expect(new Set(delays).size).toBeGreaterThan(10);
    }
  });
});

describe('wakeableSleep', () => {
  it('sleeps the full time when nobody wakes it', async () => {
    const started = performance.now();
    await wakeableSleep().sleep(50);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('ends a sleep early on wake', async () => {
    const pause = wakeableSleep();
    const started = performance.now();
    const sleeping = pause.sleep(10_000);
    pause.wake();
    await sleeping;
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('keeps a wake that arrives between sleeps for the next one, unless cleared', async () => {
    const pause = wakeableSleep();
    pause.wake();
    const started = performance.now();
    await pause.sleep(10_000);
    expect(performance.now() - started).toBeLessThan(1_000);

    pause.wake();
    pause.clear();
    const second = performance.now();
    await pause.sleep(50);
    expect(performance.now() - second).toBeGreaterThanOrEqual(45);
  });
});
