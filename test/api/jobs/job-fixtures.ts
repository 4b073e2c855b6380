import { randomUUID } from 'node:crypto';
import type { TestDatabase } from '../../support/test-database.ts';

/**
 * Jobs put straight into pg-boss's table, for tests about who may act on them
 * (not about how they run): one waiting a day to run, one failed.
 */
export async function insertJobFixtures(database: TestDatabase, queue = 'order-confirmation'): Promise<{ queuedId: string; failedId: string }> {
  const { rows } = await database.pool.query<{ id: string; state: string }>(
    `INSERT INTO pgboss.job (name, data, state, start_after, completed_on, output)
     VALUES ($1, $2, 'created', now() + interval '1 day', NULL, NULL),
            ($1, $3, 'failed', now(), now(), '{"message": "fixture failure"}')
     RETURNING id, state::text AS state`,
    [queue, JSON.stringify({ orderId: randomUUID() }), JSON.stringify({ orderId: randomUUID() })],
  );
  return { queuedId: rows.find((row) => row.state === 'created')!.id, failedId: rows.find((row) => row.state === 'failed')!.id };
}
