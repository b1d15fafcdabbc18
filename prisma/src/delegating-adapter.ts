// A driver adapter that forwards to another one, except for the parts a caller replaces.
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';

export interface AdapterOverrides {
  executeScript: (script: string) => Promise<void>;
  dispose?: () => Promise<void>;
}

/** Adapter classes keep their methods on the prototype, so spreading would lose them. */
export function delegatingAdapter(inner: SqlDriverAdapter, overrides: AdapterOverrides): SqlDriverAdapter {
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (query) => inner.queryRaw(query),
    executeRaw: (query) => inner.executeRaw(query),
    startTransaction: (isolationLevel) => inner.startTransaction(isolationLevel),
    getConnectionInfo: () => inner.getConnectionInfo?.() ?? { supportsRelationJoins: true },
    executeScript: (script) => overrides.executeScript(script),
    dispose: overrides.dispose ?? (() => inner.dispose()),
  };
}

/** Wraps a cleanup so a second call (by the engine and by us) waits for the first instead of repeating it. */
export function once(action: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= action());
}
