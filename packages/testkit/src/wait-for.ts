export interface WaitOptions {
  /** Give up after this long (default 15 s). */
  timeoutMs?: number;
  /** Pause between checks (default 25 ms). */
  intervalMs?: number;
}

/**
 * Checks `probe` until `accept` holds and returns the accepted value: tests wait for the state
 * they need instead of sleeping and hoping. On timeout the error names what was awaited and
 * shows the last value seen.
 */
export async function waitFor<T>(
  description: string,
  probe: () => T | Promise<T>,
  accept: (value: T) => boolean = Boolean,
  { timeoutMs = 15_000, intervalMs = 25 }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}; last seen: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
