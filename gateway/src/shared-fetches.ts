import { untilAbandoned } from './request-signal.js';

/**
 * Identical subgraph queries in flight at the same time are sent once and their answer shared
 * (Apollo Router's `deduplicate_query`, Hive Gateway's default). The key holds everything the
 * answer depends on: the subgraph, the caller's signed identity and the exact body, so callers
 * with different rights never share. Only the answer's text is shared: each waiter parses its own
 * copy, because the gateway merges subgraph data into its result in place.
 *
 * The shared fetch is cancelled only when every waiter has abandoned it: one client going away
 * must not fail the others.
 */
export interface SharedFetches<T> {
  run(key: string, requestSignal: AbortSignal | undefined, fetch: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Fetches in flight now (for tests). */
  readonly size: number;
}

interface InFlight<T> {
  answer: Promise<T>;
  waiting: number;
  controller: AbortController;
}

export function sharedFetches<T>(onShared: () => void = () => {}): SharedFetches<T> {
  const inFlight = new Map<string, InFlight<T>>();
  const forget = (key: string, entry: InFlight<T>) => {
    if (inFlight.get(key) === entry) inFlight.delete(key);
  };
  return {
    get size() {
      return inFlight.size;
    },
    run(key, requestSignal, fetch) {
      let entry = inFlight.get(key);
      if (entry) onShared();
      else {
        const controller = new AbortController();
        const created: InFlight<T> = { waiting: 0, controller, answer: fetch(controller.signal) };
        created.answer.then(
          () => forget(key, created),
          () => forget(key, created),
        );
        inFlight.set(key, created);
        entry = created;
      }
      const joined = entry;
      joined.waiting += 1;
      return untilAbandoned(joined.answer, requestSignal, () => {
        joined.waiting -= 1;
        if (joined.waiting > 0) return;
        forget(key, joined);
        joined.controller.abort(requestSignal?.reason);
      });
    },
  };
}
