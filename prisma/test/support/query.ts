// Raw SQL through an opened database's own adapter, for assertions.
import type { OpenedDatabase } from '../../src/index.js';

export async function queryRows(opened: OpenedDatabase, sql: string): Promise<unknown[][]> {
  const adapter = await opened.adapterFactory.connect();
  try {
    return (await adapter.queryRaw({ sql, args: [], argTypes: [] })).rows;
  } finally {
    await adapter.dispose();
  }
}

export async function queryValue(opened: OpenedDatabase, sql: string): Promise<unknown> {
  return (await queryRows(opened, sql))[0]?.[0];
}
