import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testContext } from '../../../../test/support/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.ts';
import type { NewActivityEvent } from '../../../domain/activity/activity-event.ts';
import { PostgresActivityLog } from './postgres-activity-log.ts';
import { ACTIVITY_CHANNEL, parseActivityNotification, recordActivity, type ActivityNotification } from './record-activity.ts';

let database: TestDatabase;
let listener: pg.Client;
const notifications: ActivityNotification[] = [];
const ctx = testContext();

beforeAll(async () => {
  database = await createTestDatabase();
  listener = new pg.Client({ connectionString: database.url });
  await listener.connect();
  listener.on('notification', (message) => {
    const parsed = parseActivityNotification(message.payload);
    if (message.channel === ACTIVITY_CHANNEL && parsed) notifications.push(parsed);
  });
  await listener.query(`LISTEN ${ACTIVITY_CHANNEL}`);
});

afterAll(async () => {
  await listener?.end();
  await database?.drop();
});

async function givenUser(): Promise<string> {
  const id = uuidv7();
  await database.pool.query('INSERT INTO users (id, name, email) VALUES ($1, $2, $3)', [id, 'Watched', `watched-${id}@example.com`]);
  return id;
}

const placed = (userId: string, n = 0): NewActivityEvent => ({ userId, type: 'order_placed', data: { order_id: `order-${n}` } });

async function eventsOf(userId: string): Promise<{ id: number; type: string }[]> {
  const { rows } = await database.pool.query<{ id: string; type: string }>('SELECT id, type FROM activity_events WHERE user_id = $1 ORDER BY id', [userId]);
  return rows.map((row) => ({ id: Number(row.id), type: row.type }));
}

/** Waits (with a deadline) until `condition` holds. */
async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Sessions of the test database waiting for an advisory lock. */
async function waitingForAdvisoryLock(): Promise<number> {
  const { rows } = await database.pool.query<{ count: string }>("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
  return Number(rows[0]?.count ?? 0);
}

describe('recordActivity', () => {
  it('when the change it belongs to rolls back, then no event is stored and no one is notified', async () => {
    const user = await givenUser();

    await expect(
      database.db.transaction().execute(async (trx) => {
        await recordActivity(trx, placed(user));
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');

    expect(await eventsOf(user)).toEqual([]);
    // A committed event of the same user afterwards is the first (and only) notification for it.
    const id = await database.db.transaction().execute((trx) => recordActivity(trx, placed(user, 1)));
    await until(() => notifications.some((n) => n.userId === user), 'the notification');
    expect(notifications.filter((n) => n.userId === user)).toEqual([{ userId: user, id }]);
  });

  it('when the change commits, then exactly one event is stored with its data, and listeners get the user and the id', async () => {
    const user = await givenUser();

    const id = await database.db.transaction().execute((trx) => recordActivity(trx, { userId: user, type: 'profile_updated', data: { fields: ['name'] } }));

    const stored = await new PostgresActivityLog(database.db).readAfter(ctx, user, 0, 10);
    expect(stored).toEqual([{ id, userId: user, type: 'profile_updated', occurredAt: expect.any(Date), data: { fields: ['name'] } }]);
    await until(() => notifications.some((n) => n.userId === user), 'the notification');
    expect(notifications.filter((n) => n.userId === user)).toEqual([{ userId: user, id }]);
  });

  it('when a transaction of the same user holds its event uncommitted, then the next one waits and gets a larger id; another user does not wait', async () => {
    const user = await givenUser();
    const other = await givenUser();
    let commitFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (commitFirst = resolve));
    let firstId = 0;
    const first = database.db.transaction().execute(async (trx) => {
      firstId = await recordActivity(trx, placed(user, 1));
      await firstMayCommit;
    });
    await until(() => firstId > 0, 'the first event to be inserted');

    let secondDone = false;
    const second = database.db
      .transaction()
      .execute((trx) => recordActivity(trx, placed(user, 2)))
      .finally(() => (secondDone = true));
    await until(async () => (await waitingForAdvisoryLock()) === 1, 'the second transaction to wait for the lock');
    const otherId = await database.db.transaction().execute((trx) => recordActivity(trx, placed(other)));

    expect(secondDone).toBe(false);
    commitFirst();
    await first;
    const secondId = await second;
    expect(otherId).toBeGreaterThan(firstId);
    expect(secondId).toBeGreaterThan(otherId);
    expect((await eventsOf(user)).map((event) => event.id)).toEqual([firstId, secondId]);
  });

  it('when many transactions of one user commit in random order while a reader resumes after the last id it saw, then the reader misses none', async () => {
    const user = await givenUser();
    const log = new PostgresActivityLog(database.db);
    const writers = Array.from({ length: 30 }, (_, n) =>
      database.db.transaction().execute(async (trx) => {
        const id = await recordActivity(trx, placed(user, n));
        // Hold the transaction open a little, so commits interleave with the reader.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 15));
        return id;
      }),
    );
    let writing = true;
    const allWritten = Promise.all(writers).finally(() => (writing = false));
    const seen: number[] = [];
    let last = 0;
    while (writing) {
      for (const event of await log.readAfter(ctx, user, last, 100)) {
        seen.push(event.id);
        last = event.id;
      }
    }
    for (const event of await log.readAfter(ctx, user, last, 100)) seen.push(event.id);

    const ids = await allWritten;
    expect(seen).toEqual([...ids].sort((a, b) => a - b));
  });
});
