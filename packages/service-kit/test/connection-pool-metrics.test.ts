import { Registry } from 'prom-client';
import { connectionPoolMetrics } from '../src/index.js';

it('reports every pool given to one registry (the primary and each replica), each under its own name', async () => {
  const registry = new Registry();
  connectionPoolMetrics(registry, 'members', () => ({ total: 10, idle: 2, waiting: 5, max: 10, refused: 3 }));
  connectionPoolMetrics(registry, 'members-replica-1', () => ({ total: 4, idle: 4, waiting: 0, max: 10, refused: 0 }));
  connectionPoolMetrics(registry, 'embedded', () => null);
  const values = async (name: string) =>
    Object.fromEntries(
      (await registry.getSingleMetric(name)!.get()).values.map((v) => [
        `${v.labels['db_client_connection_pool_name']}${v.labels['db_client_connection_state'] ? `/${v.labels['db_client_connection_state']}` : ''}`,
        v.value,
      ]),
    );
  expect(await values('db_client_connection_count')).toEqual({
    'members/used': 8,
    'members/idle': 2,
    'members-replica-1/used': 0,
    'members-replica-1/idle': 4,
  });
  expect(await values('db_client_connection_pending_requests')).toEqual({ members: 5, 'members-replica-1': 0 });
  expect(await values('db_client_connection_refused_total')).toEqual({ members: 3, 'members-replica-1': 0 });
});
