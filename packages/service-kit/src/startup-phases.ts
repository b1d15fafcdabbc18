export interface StartupPhases {
  /** Runs one start-up step and records how long it took under `name`. */
  time<T>(name: string, step: () => Promise<T>): Promise<T>;
  /** Milliseconds per phase: `modules` (loading code, before main ran), each timed step, and `total` since process start. */
  summary(): Record<string, number>;
}

/**
 * Create at the top of main.ts: `performance.now()` counts from process start, so what passed
 * before this call is the time spent loading modules. Logged with readiness, it shows where a
 * slow start went.
 */
export function startupPhases(): StartupPhases {
  const phases: Record<string, number> = { modulesMs: Math.round(performance.now()) };
  return {
    async time(name, step) {
      const started = performance.now();
      try {
        return await step();
      } finally {
        phases[`${name}Ms`] = Math.round(performance.now() - started);
      }
    },
    summary: () => ({ ...phases, totalMs: Math.round(performance.now()) }),
  };
}
