export interface BackoffOptions {
  /** Ceiling of the first retry's delay; it doubles per attempt. */
  baseMs: number;
  maxMs: number;
}

/**
 * Exponential backoff with full jitter: a random delay up to `base * 2^(attempt-1)`, capped.
 * Full jitter keeps many failing clients (relays, reconnecting consumers) from retrying in
 * lockstep against a service that is coming back. `attempt` counts from 1.
 */
export const backoffDelay = (attempt: number, { baseMs, maxMs }: BackoffOptions): number =>
  Math.round(Math.random() * Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt, 1) - 1, 20)));

export interface WakeableSleep {
  /** Waits `ms`, or less if woken; at once if a wake-up arrived since the last sleep. */
  sleep(ms: number): Promise<void>;
  /** Cuts the current sleep short; with none in progress, the next one (a wake is never lost). */
  wake(): void;
  /** Forgets a pending wake-up: the work it asked for is starting now. */
  clear(): void;
}

/** A pause between polls or retries that new work or shutdown can end early. */
export function wakeableSleep(): WakeableSleep {
  let pending = false;
  let wakeCurrent: (() => void) | null = null;
  return {
    sleep(ms) {
      if (pending) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const finish = () => {
          clearTimeout(timer);
          wakeCurrent = null;
          resolve();
        };
        const timer = setTimeout(finish, ms);
        wakeCurrent = finish;
      });
    },
    wake() {
      if (wakeCurrent) wakeCurrent();
      else pending = true;
    },
    clear() {
      pending = false;
    },
  };
}
