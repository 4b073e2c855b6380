import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { testContext } from '../../../test/support/test-context.ts';
import { ANY_VERSION, StaleVersionError } from '../../domain/shared/version.ts';
import { FLAGS_CHANNEL, PostgresFlagStore } from './postgres-flag-store.ts';

const ctx = testContext();
const ADMIN = '00000000-0000-4000-8000-00000000000a';
const OTHER_ADMIN = '00000000-0000-4000-8000-00000000000b';
let database: TestDatabase;
let store: PostgresFlagStore;

beforeAll(async () => {
  database = await createTestDatabase();
  store = new PostgresFlagStore(database.db);
});

afterAll(async () => {
  await database?.drop();
});

describe('PostgresFlagStore', () => {
  it('when a flag is set twice, then it is stored at version 2 with its rollout, and both changes are in the history with who made them', async () => {
    await store.put(ctx, { key: 'release.canary', setting: { enabled: true, rolloutPercent: 12.5 }, expected: { kind: 'one_of', versions: [0] }, changedBy: ADMIN });
    const second = await store.put(ctx, { key: 'release.canary', setting: { enabled: false, rolloutPercent: undefined }, expected: { kind: 'one_of', versions: [1] }, changedBy: OTHER_ADMIN });

    expect(second).toMatchObject({ key: 'release.canary', enabled: false, rolloutPercent: undefined, version: 2, updatedBy: OTHER_ADMIN, updatedAt: expect.any(Date) });
    expect((await store.list(ctx)).find((flag) => flag.key === 'release.canary')).toEqual(second);
    const { rows } = await database.pool.query('SELECT enabled, rollout_percent, version, changed_by FROM feature_flag_changes WHERE flag_key = $1 ORDER BY id', ['release.canary']);
    expect(rows).toEqual([
      { enabled: true, rollout_percent: '12.50', version: 1, changed_by: ADMIN },
      { enabled: false, rollout_percent: null, version: 2, changed_by: OTHER_ADMIN },
    ]);
  });

  it('when the expected version is not the stored one, then the change is refused and nothing is recorded', async () => {
    await store.put(ctx, { key: 'cache.bypass', setting: { enabled: true, rolloutPercent: undefined }, expected: ANY_VERSION, changedBy: ADMIN });

    const error = await store.put(ctx, { key: 'cache.bypass', setting: { enabled: false, rolloutPercent: undefined }, expected: { kind: 'one_of', versions: [0] }, changedBy: ADMIN }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(StaleVersionError);
    expect((await store.list(ctx)).find((flag) => flag.key === 'cache.bypass')).toMatchObject({ enabled: true, version: 1 });
    const { rows } = await database.pool.query('SELECT count(*)::int AS n FROM feature_flag_changes WHERE flag_key = $1', ['cache.bypass']);
    expect(rows[0]).toEqual({ n: 1 });
  });

  it('when a flag is set, then listeners on the flags channel are told its key once the change commits', async () => {
    const listener = new pg.Client({ connectionString: database.url });
    await listener.connect();
    try {
      const heard = new Promise<string | undefined>((resolve) => listener.on('notification', (message) => resolve(message.payload)));
      await listener.query(`LISTEN ${FLAGS_CHANNEL}`);

      await store.put(ctx, { key: 'orders.placement.paused', setting: { enabled: true, rolloutPercent: undefined }, expected: ANY_VERSION, changedBy: ADMIN });

      expect(await heard).toBe('orders.placement.paused');
    } finally {
      await listener.end();
    }
  });
});
