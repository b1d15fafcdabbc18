// The Wasm schema engine's driver (src/schema-engine.ts). Loading the Wasm at all is proven by every
// migration test; this file covers what those would not notice.
import { AsyncLocalStorage, createHook } from 'node:async_hooks';
import { applyMigrations, openDatabase } from '../src/index.js';

interface Timer {
  hasRef(): boolean;
}

/**
 * The timers `work` created (in its own async context: not jest's, not other files') that are still
 * pending and referenced, i.e. would keep the process alive, once it is done.
 */
async function referencedTimersLeftBy(work: () => Promise<void>): Promise<number> {
  const context = new AsyncLocalStorage<true>();
  const pending = new Map<number, Timer>();
  const hook = createHook({
    init(asyncId, type, _triggerAsyncId, resource) {
      if (type === 'Timeout' && context.getStore()) pending.set(asyncId, resource as Timer);
    },
    destroy(asyncId) {
      pending.delete(asyncId); // fired or cleared
    },
  });
  hook.enable();
  try {
    await context.run(true, work);
    // Destroy hooks are delivered asynchronously.
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    return [...pending.values()].filter((timer) => timer.hasRef()).length;
  } finally {
    hook.disable();
  }
}

it('leaves no timer behind that would keep a migrated process alive (the engine never clears its 10 s lock timeout)', async () => {
  const left = await referencedTimersLeftBy(async () => {
    const opened = await openDatabase({ kind: 'embedded', dataDir: null });
    try {
      await applyMigrations('nickname-history', opened);
    } finally {
      await opened.close();
    }
  });
  expect(left).toBe(0);
});
