import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../cmd/shared/project-paths.ts';
import type { components } from '../../../internal/transport/http/api-schema.d.ts';
import { until } from '../../support/crash.ts';
import { startTestApp, type TestApp } from '../../support/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

type ScheduleList = components['schemas']['ScheduleList'];
type ScheduleStatus = components['schemas']['ScheduleStatus'];

async function schedulesOf(app: TestApp): Promise<ScheduleList> {
  const { api } = await app.admin();
  const { data, response } = await api.GET('/v1/admin/schedules');
  expect(response.status).toBe(200);
  return data!;
}

function named(list: ScheduleList, name: string): ScheduleStatus {
  const found = list.schedules.find((schedule) => schedule.name === name);
  if (!found) throw new Error(`no schedule ${name} in ${JSON.stringify(list)}`);
  return found;
}

const skippedElsewhere = (status: ScheduleStatus) => status.skipped.locked + status.skipped.already_run;

describe('two instances over one database', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = { SCHEDULE_PURGE_SESSIONS_CRON: '* * * * * *' };
    [a, b] = await Promise.all([startTestApp(env, { database }), startTestApp(env, { database })]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
  });

  it('when a schedule is due every second on both, then each due time runs on one instance only and the other counts it as skipped', async () => {
    const runs = () => database.db.selectFrom('schedule_runs').select(['due_at', 'instance', 'status']).where('schedule', '=', 'purge-sessions').execute();

    // Between two due times the counters and the table agree; wait for such a moment with a few runs behind.
    const seen = await until('both instances to have taken part in several due times', async () => {
      const [listA, listB, rows] = await Promise.all([schedulesOf(a), schedulesOf(b), runs()]);
      const [sa, sb] = [named(listA, 'purge-sessions'), named(listB, 'purge-sessions')];
      const settled = sa.running === null && sb.running === null && rows.every((row) => row.status !== 'running');
      const enough = rows.length >= 4 && skippedElsewhere(sa) + skippedElsewhere(sb) >= 3;
      return settled && enough && sa.runs + sb.runs === rows.length ? { listA, listB, rows, sa, sb } : undefined;
    }, { timeoutMs: 20_000 });

    expect(seen.listA.instance).not.toBe(seen.listB.instance);
    expect(new Set(seen.rows.map((row) => row.due_at.toISOString())).size).toBe(seen.rows.length);
    expect(seen.rows.filter((row) => row.instance === seen.listA.instance)).toHaveLength(seen.sa.runs);
    expect(seen.rows.filter((row) => row.instance === seen.listB.instance)).toHaveLength(seen.sb.runs);
    expect(seen.rows.every((row) => row.status === 'succeeded')).toBe(true);
    expect(seen.sa.failed + seen.sb.failed + seen.sa.timed_out + seen.sb.timed_out).toBe(0);
  }, 30_000);
});

describe('the purge schedules', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({
      SCHEDULE_PURGE_SESSIONS_CRON: '* * * * * *',
      SCHEDULE_PURGE_IDEMPOTENCY_KEYS_CRON: '* * * * * *',
      // Small batches, so one run repeats until a batch comes back short.
      SCHEDULE_PURGE_BATCH_SIZE: '2',
    });
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('when sessions and Idempotency-Key records have expired, then the schedules delete them and leave the live ones', async () => {
    const { user } = await app.admin();
    const { db } = app.database;
    const hour = 3_600_000;
    const past = new Date(Date.now() - hour);
    const future = new Date(Date.now() + hour);
    const sessionId = () => createHash('sha256').update(randomBytes(16)).digest('hex');
    const expiredSessions = Array.from({ length: 5 }, sessionId);
    const liveSession = sessionId();
    await db
      .insertInto('sessions')
      .values([
        ...expiredSessions.map((id) => ({ id, user_id: user.id, roles: ['customer'], expires_at: past, absolute_expires_at: past })),
        { id: liveSession, user_id: user.id, roles: ['customer'], expires_at: future, absolute_expires_at: future },
      ])
      .execute();
    const fingerprint = 'f'.repeat(64);
    const expiredKeys = Array.from({ length: 5 }, (_, i) => `expired-${i}-${randomBytes(4).toString('hex')}`);
    const liveKey = `live-${randomBytes(4).toString('hex')}`;
    await db
      .insertInto('idempotency_keys')
      .values([
        ...expiredKeys.map((key) => ({ user_id: user.id, key, fingerprint, state: 'in_progress' as const, expires_at: past })),
        { user_id: user.id, key: liveKey, fingerprint, state: 'in_progress' as const, expires_at: future },
      ])
      .execute();

    await until('the expired rows to be purged', async () => {
      const sessions = await db.selectFrom('sessions').select('id').where('id', 'in', [...expiredSessions, liveSession]).execute();
      const keys = await db.selectFrom('idempotency_keys').select('key').where('key', 'in', [...expiredKeys, liveKey]).execute();
      return sessions.length === 1 && keys.length === 1 ? true : undefined;
    }, { timeoutMs: 10_000 });

    expect(await db.selectFrom('sessions').select('id').where('id', '=', liveSession).execute()).toHaveLength(1);
    expect(await db.selectFrom('idempotency_keys').select('key').where('key', '=', liveKey).execute()).toHaveLength(1);
    const removed = await db.selectFrom('schedule_runs').select(['schedule', 'result']).where('status', '=', 'succeeded').execute();
    const total = (schedule: string) =>
      removed.filter((run) => run.schedule === schedule).reduce((sum, run) => sum + ((run.result as { removed?: number } | null)?.removed ?? 0), 0);
    expect(total('purge-sessions')).toBeGreaterThanOrEqual(5);
    expect(total('purge-idempotency-keys')).toBeGreaterThanOrEqual(5);
    const list = await schedulesOf(app);
    expect(named(list, 'purge-sessions')).toMatchObject({ enabled: true, cron: '* * * * * *' });
    expect(named(list, 'purge-sessions').succeeded).toBeGreaterThanOrEqual(1);
  });
});

describe('schedule settings', () => {
  let app: TestApp | undefined;

  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it('when Redis caches the sessions, then the session purge still runs (PostgreSQL keeps every session)', async () => {
    app = await startTestApp({ SCHEDULE_PURGE_SESSIONS_CRON: '* * * * * *' }, { redis: true });

    const list = await schedulesOf(app);

    expect(named(list, 'purge-sessions')).toMatchObject({ enabled: true, cron: '* * * * * *' });
    expect(named(list, 'purge-sessions').next_due_at).not.toBeNull();
    expect(named(list, 'recover-pending-orders')).toMatchObject({ enabled: true, cron: '*/5 * * * * *' });
    expect(named(list, 'recover-pending-orders').next_due_at).not.toBeNull();
  });

  it('when a schedule has an invalid cron expression, then the server refuses to start and names the setting, its value and the reason', async () => {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'cmd/server/main.ts')], {
      env: { PATH: process.env.PATH, SCHEDULE_PURGE_SESSIONS_CRON: '*/5 * * *' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

    const [code] = (await once(child, 'close')) as [number | null];

    expect(code).toBe(2);
    expect(stderr).toContain('schedules.purgeSessions.cron: must be a cron expression');
    expect(stderr).toContain('SCHEDULE_PURGE_SESSIONS_CRON="*/5 * * *"');
    expect(stderr).toMatch(/five, six, or seven space separated parts/);
  });
});
