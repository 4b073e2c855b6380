import { testContext } from '../support/test-context.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Context } from '../../internal/domain/shared/context.ts';
import type { Role } from '../../internal/domain/user/user.ts';
import { sessionLifetime, startSession, type Session, type SessionLifetime } from '../../internal/domain/identity/session.ts';
import type { SessionStore } from '../../internal/domain/identity/session-store.ts';
import { issueSessionToken } from '../../internal/domain/identity/session-token.ts';

export interface SessionStoreFixture {
  readonly store: SessionStore;
  /** The id of a user sessions may belong to (a store with foreign keys needs a real one). */
  readonly newUserId: () => Promise<string>;
  /** Leaves the store as empty as `setup` found it. */
  readonly cleanup: () => void | Promise<void>;
}

/** Short, but with room for a loaded CI machine: every wait below keeps >= 300 ms of margin. */
export const CONTRACT_IDLE_TTL_MS = 1_000;

// Built here rather than imported from test/: production folders may not import test code.

// Waits for a moment in time, not a guessed duration: expiry is about the clock.
function sleepUntil(moment: Date | number): Promise<void> {
  const ms = (typeof moment === 'number' ? moment : moment.getTime()) - Date.now();
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/**
 * The behaviour every `SessionStore` adapter must show, with a real clock and
 * an idle TTL of `CONTRACT_IDLE_TTL_MS`, which `setup` must give the store.
 */
export function describeSessionStoreContract(
  name: string,
  setup: (options: { idleTtlMs: number }) => SessionStoreFixture | Promise<SessionStoreFixture>,
): void {
  describe(`SessionStore contract: ${name}`, () => {
    const ctx = testContext();
    const lifetime = sessionLifetime(CONTRACT_IDLE_TTL_MS, 20 * CONTRACT_IDLE_TTL_MS);
    let store: SessionStore;
    let newUserId: () => Promise<string>;
    let cleanup: SessionStoreFixture['cleanup'];

    beforeEach(async () => {
      ({ store, newUserId, cleanup } = await setup({ idleTtlMs: CONTRACT_IDLE_TTL_MS }));
    });

    afterEach(async () => {
      await cleanup();
    });

    const createSession = async (userId?: string, options: { lifetime?: SessionLifetime; roles?: Role[] } = {}): Promise<Session> => {
      const session = startSession(options.lifetime ?? lifetime, new Date(), {
        id: issueSessionToken().sessionId,
        userId: userId ?? (await newUserId()),
        roles: options.roles ?? ['customer'],
      });
      await store.create(ctx, session);
      return session;
    };

    describe('create and find', () => {
      it('when a session is created, then find returns it with its user, roles and times, expiring no earlier than created', async () => {
        const created = await createSession(undefined, { roles: ['admin', 'customer'] });

        const found = await store.find(ctx, created.id);

        expect(found).toMatchObject({
          id: created.id,
          userId: created.userId,
          roles: ['admin', 'customer'],
          createdAt: created.createdAt,
          absoluteExpiresAt: created.absoluteExpiresAt,
        });
        expect(found!.expiresAt.getTime()).toBeGreaterThanOrEqual(created.expiresAt.getTime() - 5);
        expect(found!.expiresAt.getTime()).toBeLessThanOrEqual(created.absoluteExpiresAt.getTime());
      });

      it('when no session has the id, then find returns undefined', async () => {
        await createSession();

        expect(await store.find(ctx, issueSessionToken().sessionId)).toBeUndefined();
      });

      it('when the caller mutates a found session, then the stored one does not change', async () => {
        const created = await createSession();
        const found = (await store.find(ctx, created.id)) as unknown as { roles: string[] };

        found.roles.push('admin');

        expect((await store.find(ctx, created.id))?.roles).toEqual(['customer']);
      });
    });

    describe('expiry', () => {
      it('when a session is not used for the idle TTL, then it is gone', async () => {
        const created = await createSession();

        await sleepUntil(created.expiresAt.getTime() + 100);

        expect(await store.find(ctx, created.id)).toBeUndefined();
      });

      it('when a session is used after more than half its idle TTL, then its expiry slides and it outlives the first one', async () => {
        const created = await createSession();

        await sleepUntil(created.createdAt.getTime() + 0.6 * CONTRACT_IDLE_TTL_MS);
        const used = await store.find(ctx, created.id);
        await sleepUntil(created.expiresAt.getTime() + 100);
        const later = await store.find(ctx, created.id);

        expect(used?.expiresAt.getTime()).toBeGreaterThan(created.expiresAt.getTime());
        expect(later).toMatchObject({ id: created.id, userId: created.userId });
      });

      it('when a session is used near its absolute expiry, then the expiry stops there and the session ends then', async () => {
        const short = sessionLifetime(CONTRACT_IDLE_TTL_MS, Math.round(1.3 * CONTRACT_IDLE_TTL_MS));
        const created = await createSession(undefined, { lifetime: short });

        await sleepUntil(created.createdAt.getTime() + 0.6 * CONTRACT_IDLE_TTL_MS);
        const used = await store.find(ctx, created.id);
        await sleepUntil(created.absoluteExpiresAt.getTime() + 100);
        const later = await store.find(ctx, created.id);

        expect(used?.expiresAt).toEqual(created.absoluteExpiresAt);
        expect(later).toBeUndefined();
      });
    });

    describe('revocation', () => {
      it('when a session is revoked, then it is gone and the same user’s other session stays', async () => {
        const userId = await newUserId();
        const revoked = await createSession(userId);
        const kept = await createSession(userId);

        await store.revoke(ctx, revoked.id);

        expect(await store.find(ctx, revoked.id)).toBeUndefined();
        expect(await store.find(ctx, kept.id)).toMatchObject({ id: kept.id });
      });

      it('when an unknown or already revoked session is revoked, then nothing happens', async () => {
        const session = await createSession();
        await store.revoke(ctx, session.id);

        await expect(store.revoke(ctx, session.id)).resolves.toBeUndefined();
        await expect(store.revoke(ctx, issueSessionToken().sessionId)).resolves.toBeUndefined();
      });

      it('when all sessions of a user are revoked, then they are all gone and other users’ sessions stay', async () => {
        const [ada, grace] = [await newUserId(), await newUserId()];
        const adas = [await createSession(ada), await createSession(ada)];
        const graces = await createSession(grace);

        await store.revokeAllForUser(ctx, ada);

        for (const session of adas) expect(await store.find(ctx, session.id)).toBeUndefined();
        expect(await store.find(ctx, graces.id)).toMatchObject({ id: graces.id, userId: grace });
      });

      it('when a user logs in again after all their sessions were revoked, then the new session works and can be revoked in turn', async () => {
        const ada = await newUserId();
        await createSession(ada);
        await store.revokeAllForUser(ctx, ada);

        const again = await createSession(ada);
        const found = await store.find(ctx, again.id);
        await store.revokeAllForUser(ctx, ada);

        expect(found).toMatchObject({ id: again.id });
        expect(await store.find(ctx, again.id)).toBeUndefined();
      });

      it('when a user without sessions has them all revoked, then nothing happens', async () => {
        await expect(store.revokeAllForUser(ctx, await newUserId())).resolves.toBeUndefined();
      });
    });

    describe('cancellation', () => {
      it.each<[string, (store: SessionStore, ctx: Context, session: Session) => Promise<unknown>]>([
        ['create', (store, ctx, session) => store.create(ctx, { ...session, id: issueSessionToken().sessionId })],
        ['find', (store, ctx, session) => store.find(ctx, session.id)],
        ['revoke', (store, ctx, session) => store.revoke(ctx, session.id)],
        ['revokeAllForUser', (store, ctx, session) => store.revokeAllForUser(ctx, session.userId)],
      ])('when the context is already aborted, then %s rejects with the abort reason and the session stays', async (_, call) => {
        const session = await createSession();
        const controller = new AbortController();
        const reason = new Error('the caller went away');
        controller.abort(reason);

        const calling = call(store, testContext(controller.signal), session);

        await expect(calling).rejects.toBe(reason);
        expect(await store.find(ctx, session.id)).toMatchObject({ id: session.id });
      });
    });
  });
}
