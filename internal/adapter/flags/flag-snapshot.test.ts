import { OpenFeature } from '@openfeature/server-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { flagCatalog, ORDERS_PAUSED, RELEASE_CANARY } from '../../domain/flags/flag-catalog.ts';
import type { FlagChange, FlagStore, StoredFlag } from '../../domain/flags/flag-store.ts';
import type { Context } from '../../domain/shared/context.ts';
import { FlagSnapshot } from './flag-snapshot.ts';
import { OpenFeatureFeatureFlags } from './open-feature-flags.ts';

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const ctx: Context = { traceId: 't', signal: new AbortController().signal, log: silent };
const ADMIN = '00000000-0000-4000-8000-00000000000a';

/** A store whose list answers what the test says, or fails. */
class ScriptedStore implements FlagStore {
  rows: StoredFlag[] = [];
  failing = false;
  reads = 0;
  list(): Promise<StoredFlag[]> {
    this.reads += 1;
    return this.failing ? Promise.reject(new Error('database down')) : Promise.resolve([...this.rows]);
  }
  put(_ctx: Context, _change: FlagChange): Promise<StoredFlag> {
    return Promise.reject(new Error('not used'));
  }
}

const stored = (key: string, version: number, enabled: boolean, rolloutPercent?: number): StoredFlag => ({ key, version, enabled, rolloutPercent, updatedBy: ADMIN, updatedAt: new Date() });

function snapshotOver(store: FlagStore) {
  return new FlagSnapshot({ definitions: flagCatalog(['order-confirmation']), store, readTimeoutMs: 1_000, log: silent });
}

const opened: OpenFeatureFeatureFlags[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((flags) => flags.close()));
});

describe('the flag snapshot', () => {
  it('when nothing is stored, then every flag has its default at version 0', async () => {
    const snapshot = snapshotOver(new ScriptedStore());
    await snapshot.refresh();
    expect(snapshot.get(ORDERS_PAUSED)).toMatchObject({ enabled: false, version: 0, updatedBy: undefined });
    expect(snapshot.variant(RELEASE_CANARY, 'someone')).toBe('rest');
    expect(snapshot.all().map((flag) => flag.key)).toEqual([...snapshot.all().map((flag) => flag.key)].sort());
  });

  it('when a setting is stored, then a refresh applies it and tells the listeners', async () => {
    const store = new ScriptedStore();
    const snapshot = snapshotOver(store);
    let changes = 0;
    snapshot.onChange(() => (changes += 1));
    store.rows = [stored(ORDERS_PAUSED, 1, true)];
    await snapshot.refresh();
    expect(snapshot.isOn(ORDERS_PAUSED)).toBe(true);
    expect(snapshot.get(ORDERS_PAUSED)).toMatchObject({ version: 1, updatedBy: ADMIN });
    expect(changes).toBe(1);
    await snapshot.refresh();
    expect(changes).toBe(1);
  });

  it('when the store cannot be read, then the last known settings stay', async () => {
    const store = new ScriptedStore();
    const snapshot = snapshotOver(store);
    store.rows = [stored(ORDERS_PAUSED, 1, true)];
    await snapshot.refresh();
    store.failing = true;
    await snapshot.refresh();
    expect(snapshot.isOn(ORDERS_PAUSED)).toBe(true);
  });

  it('when a read returns an older version than one applied meanwhile, then the newer one stays', async () => {
    const store = new ScriptedStore();
    const snapshot = snapshotOver(store);
    snapshot.apply(stored(ORDERS_PAUSED, 2, false));
    store.rows = [stored(ORDERS_PAUSED, 1, true)];
    await snapshot.refresh();
    expect(snapshot.get(ORDERS_PAUSED)).toMatchObject({ version: 2, enabled: false });
  });

  it('when refreshes are asked for during a read, then they share one more read instead of one each', async () => {
    const store = new ScriptedStore();
    const snapshot = snapshotOver(store);
    await Promise.all([snapshot.refresh(), snapshot.refresh(), snapshot.refresh(), snapshot.refresh()]);
    expect(store.reads).toBe(2);
  });

  it('when the defaults change (a config reload), then flags without a stored setting take theirs, stored ones stay', async () => {
    const store = new ScriptedStore();
    const snapshot = snapshotOver(store);
    store.rows = [stored(RELEASE_CANARY, 2, true, 10)];
    await snapshot.refresh();
    let changes = 0;
    snapshot.onChange(() => (changes += 1));

    snapshot.setDefaults(
      flagCatalog(['order-confirmation']).map((definition) =>
        definition.key === ORDERS_PAUSED || definition.key === RELEASE_CANARY ? { ...definition, default: { enabled: true, rolloutPercent: undefined } } : definition,
      ),
    );

    expect(snapshot.get(ORDERS_PAUSED)).toMatchObject({ enabled: true, version: 0 });
    expect(snapshot.get(RELEASE_CANARY)).toMatchObject({ enabled: true, rolloutPercent: 10, version: 2 });
    expect(changes).toBe(1);
  });

  it('when a stored key is not a known flag, then it is ignored', async () => {
    const store = new ScriptedStore();
    const snapshot = snapshotOver(store);
    store.rows = [stored('gone.flag', 3, true)];
    await snapshot.refresh();
    expect(snapshot.get('gone.flag')).toBeUndefined();
    expect(snapshot.isOn('gone.flag')).toBe(false);
  });
});

describe('the OpenFeature provider over the snapshot', () => {
  it('when flags are evaluated through the OpenFeature client, then the answers are the snapshot\'s, per subject for a rollout', async () => {
    const store = new ScriptedStore();
    const snapshot = snapshotOver(store);
    store.rows = [stored(ORDERS_PAUSED, 1, true), stored(RELEASE_CANARY, 1, true, 100)];
    await snapshot.refresh();
    const flags = await OpenFeatureFeatureFlags.open(snapshot);
    opened.push(flags);

    expect(await flags.isEnabled(ctx, ORDERS_PAUSED)).toBe(true);
    expect(await flags.variantOf(ctx, RELEASE_CANARY, 'user-1')).toBe('cohort');
    expect(await flags.isEnabled(ctx, 'no.such.flag')).toBe(false);
    expect(await flags.variantOf(ctx, 'no.such.flag', 'user-1')).toBe('off');
    const details = await OpenFeature.getClient().getBooleanDetails(ORDERS_PAUSED, false);
    // The default (unnamed) domain is untouched: instances bind their own domains.
    expect(details.value).toBe(false);
  });

  it('when two instances open flags in one process, then each answers from its own snapshot', async () => {
    const a = new ScriptedStore();
    const b = new ScriptedStore();
    a.rows = [stored(ORDERS_PAUSED, 1, true)];
    const snapshotA = snapshotOver(a);
    const snapshotB = snapshotOver(b);
    await Promise.all([snapshotA.refresh(), snapshotB.refresh()]);
    const flagsA = await OpenFeatureFeatureFlags.open(snapshotA);
    const flagsB = await OpenFeatureFeatureFlags.open(snapshotB);
    opened.push(flagsA, flagsB);
    expect(await flagsA.isEnabled(ctx, ORDERS_PAUSED)).toBe(true);
    expect(await flagsB.isEnabled(ctx, ORDERS_PAUSED)).toBe(false);
  });
});
