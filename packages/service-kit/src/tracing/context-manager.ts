import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { context, createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';

const PROBE = createContextKey('context manager probe');

/**
 * Makes OpenTelemetry's context follow async work (AsyncLocalStorage) if nothing registered a
 * context manager yet. Everything request-scoped rides on it, traced or not: one
 * AsyncLocalStorage per process, because each one costs every promise a hook.
 */
export function ensureContextManager(): void {
  const works = context.with(ROOT_CONTEXT.setValue(PROBE, true), () => context.active().getValue(PROBE) === true);
  if (works) return;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}
