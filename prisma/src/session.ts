// Factories that can hand the schema engine a connection of its own.
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';

export interface SessionAwareAdapterFactory extends SqlMigrationAwareDriverAdapterFactory {
  /** A dedicated connection; disposing it closes the session (and any lock it holds). */
  connectSession(): Promise<SqlDriverAdapter>;
}

export function isSessionAware(factory: SqlMigrationAwareDriverAdapterFactory): factory is SessionAwareAdapterFactory {
  return 'connectSession' in factory && typeof factory.connectSession === 'function';
}
