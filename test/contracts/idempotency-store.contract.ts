import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { testContext } from '../support/test-context.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IdempotencyRef, IdempotencyStore } from '../../internal/domain/idempotency/idempotency-store.ts';

export interface IdempotencyStoreFixture {
  readonly store: IdempotencyStore;
  /** A user keys may belong to (PostgreSQL checks the foreign key). */
  readonly givenUser: () => Promise<string>;
  readonly cleanup: () => void | Promise<void>;
}


const fingerprint = (text: string) => createHash('sha256').update(text).digest('hex');
const DAY = 24 * 60 * 60 * 1000;

/**
 * The behaviour every `IdempotencyStore` adapter must show. `setup` runs
 * before each test and must hand out an empty store; `cleanup` runs after it.
 */
export function describeIdempotencyStoreContract(name: string, setup: () => IdempotencyStoreFixture | Promise<IdempotencyStoreFixture>): void {
  describe(`IdempotencyStore contract: ${name}`, () => {
    const ctx = testContext();
    let fixture: IdempotencyStoreFixture;
    let store: IdempotencyStore;
    let ref: IdempotencyRef;

    beforeEach(async () => {
      fixture = await setup();
      store = fixture.store;
      ref = { userId: await fixture.givenUser(), key: `key-${randomUUID()}` };
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    const begin = (print = fingerprint('body'), ttlMs = DAY, at: IdempotencyRef = ref) => store.begin(ctx, { ...at, fingerprint: print, ttlMs });

    it('when a key is new, then begin claims it and a repeat finds it in progress', async () => {
      expect(await begin()).toEqual({ state: 'new' });
      const repeat = await begin();
      expect(repeat.state === 'in_progress' && typeof repeat.heldForMs).toBe('number');
    });

    it('when a request completed, then a repeat gets its recorded outcome back', async () => {
      const outcome = { kind: 'placed', order: { id: 'o-1', lines: [{ quantity: 2, price: 2 ** 40 }] }, note: 'ünïcode ✓', nothing: null };
      await begin();

      await store.complete(ctx, ref, outcome);

      expect(await begin()).toEqual({ state: 'replay', outcome });
    });

    it('when a completed outcome is revised, then repeats get the revision; a key in progress or absent is not revised', async () => {
      const absent = { userId: ref.userId, key: `absent-${randomUUID()}` };
      await store.revise(ctx, absent, { kind: 'placed' });
      await begin();
      await store.revise(ctx, ref, { kind: 'placed' });
      const whileInProgress = await begin();
      await store.complete(ctx, ref, { kind: 'pending' });

      await store.revise(ctx, ref, { kind: 'placed' });

      expect({ absent: await begin(fingerprint('body'), DAY, absent), whileInProgress: whileInProgress.state }).toEqual({ absent: { state: 'new' }, whileInProgress: 'in_progress' });
      expect(await begin()).toEqual({ state: 'replay', outcome: { kind: 'placed' } });
    });

    it('when another request uses the key, in progress or completed, then it is a mismatch', async () => {
      await begin(fingerprint('first'));
      const whileRunning = await begin(fingerprint('second'));
      await store.complete(ctx, ref, { kind: 'refused', code: 'PAYMENT_DECLINED' });

      expect(whileRunning).toEqual({ state: 'mismatch' });
      expect(await begin(fingerprint('second'))).toEqual({ state: 'mismatch' });
    });

    it('when a request is abandoned, then the key is new again, even for another request', async () => {
      await begin(fingerprint('first'));

      await store.abandon(ctx, ref);

      expect(await begin(fingerprint('second'))).toEqual({ state: 'new' });
    });

    it('when a completed request is abandoned, then it is kept', async () => {
      await begin();
      await store.complete(ctx, ref, { kind: 'placed' });

      await store.abandon(ctx, ref);

      expect(await begin()).toMatchObject({ state: 'replay', outcome: { kind: 'placed' } });
    });

    it('when another user sends the same key, then it is a key of its own', async () => {
      await begin();
      const other = { userId: await fixture.givenUser(), key: ref.key };

      expect(await begin(fingerprint('body'), DAY, other)).toEqual({ state: 'new' });
    });

    it('when a record has expired, then the key is new again and purgeExpired removes only expired records', async () => {
      const fresh = { userId: ref.userId, key: `fresh-${randomUUID()}` };
      await begin(fingerprint('old'), 100);
      await store.complete(ctx, ref, {});
      const stale = { userId: ref.userId, key: `stale-${randomUUID()}` };
      await begin(fingerprint('stale'), 100, stale);
      await begin(fingerprint('fresh'), DAY, fresh);
      await sleep(250);

      expect(await begin(fingerprint('new'))).toEqual({ state: 'new' });
      expect(await store.purgeExpired(ctx, 10)).toBe(1);
      expect(await store.purgeExpired(ctx, 10)).toBe(0);
      expect(await begin(fingerprint('fresh'), DAY, fresh)).toMatchObject({ state: 'in_progress' });
    });

    it('when more records expired than the limit, then purgeExpired removes only the limit', async () => {
      for (let i = 0; i < 5; i += 1) await begin(fingerprint('x'), 50, { userId: ref.userId, key: `k-${i}` });
      await sleep(150);

      expect(await store.purgeExpired(ctx, 3)).toBe(3);
      expect(await store.purgeExpired(ctx, 3)).toBe(2);
    });

    it('when 20 requests with one key begin at once, then exactly one owns it', async () => {
      const results = await Promise.all(Array.from({ length: 20 }, () => begin()));

      expect(results.filter((result) => result.state === 'new')).toHaveLength(1);
      expect(results.filter((result) => result.state === 'in_progress')).toHaveLength(19);
    });

    describe('reclaim', () => {
      const STALE_MS = 100;
      const reclaim = (print = fingerprint('body')) => store.reclaim(ctx, { ...ref, fingerprint: print, ttlMs: DAY }, STALE_MS);
      const heldFor = async () => {
        const result = await begin();
        if (result.state !== 'in_progress') throw new Error(`expected the key in progress, got ${result.state}`);
        return result.heldForMs;
      };

      it('when a key is held for less than the stale time, then it cannot be reclaimed and says how long it is held', async () => {
        await begin();

        expect(await reclaim()).toBe(false);
        const held = await heldFor();
        expect(held).toBeGreaterThanOrEqual(0);
        expect(held).toBeLessThan(STALE_MS);
      });

      it('when a key is held past the stale time, then it is reclaimed once, with its clock restarted', async () => {
        await begin();
        await sleep(STALE_MS + 50);
        expect(await heldFor()).toBeGreaterThanOrEqual(STALE_MS);

        const results = await Promise.all(Array.from({ length: 10 }, () => reclaim()));

        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await heldFor()).toBeLessThan(STALE_MS);
        expect(await reclaim()).toBe(false);
      });

      it('when the stale key was for another request, or is completed, or absent, then it is not reclaimed', async () => {
        const absent = await reclaim();
        await begin();
        await sleep(STALE_MS + 50);

        expect({ absent, otherRequest: await reclaim(fingerprint('other')) }).toEqual({ absent: false, otherRequest: false });
        await store.complete(ctx, ref, { kind: 'placed' });
        expect(await reclaim()).toBe(false);
        expect(await begin()).toMatchObject({ state: 'replay', outcome: { kind: 'placed' } });
      });
    });

    it('when an outcome is replayed, then its keys come back in the order they were written', async () => {
      const outcome = { zeta: 1, alpha: { y: 2, b: 3 }, mid: [{ k: 'v', a: null }] };
      await begin();

      await store.complete(ctx, ref, outcome);

      const replay = await begin();
      expect(replay.state === 'replay' && JSON.stringify(replay.outcome)).toBe(JSON.stringify(outcome));
    });
  });
}
