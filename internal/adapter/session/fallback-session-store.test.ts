import { beforeEach, describe, expect, it, vi } from 'vitest';
import { testContext } from '../../../test/support/test-context.ts';
import { InMemorySessionStore } from '../../../test/doubles/in-memory-session-store.ts';
import { sessionLifetime, startSession, type NewSession, type Session } from '../../domain/identity/session.ts';
import { describeSessionStoreContract } from '../../../test/contracts/session-store.contract.ts';
import type { SessionStore } from '../../domain/identity/session-store.ts';
import { issueSessionToken } from '../../domain/identity/session-token.ts';
import type { Context } from '../../domain/shared/context.ts';
import { DependencyUnavailableError } from '../../domain/shared/domain-error.ts';
import { FallbackSessionStore } from './fallback-session-store.ts';

/** Passes calls through to a real store until told to fail. */
class SwitchableStore implements SessionStore {
  readonly inner: InMemorySessionStore;
  failure: (() => Error) | undefined;
  readonly calls: string[] = [];

  constructor(inner: InMemorySessionStore) {
    this.inner = inner;
  }

  create(ctx: Context, session: NewSession): Promise<void> {
    return this.#call('create', () => this.inner.create(ctx, session));
  }
  find(ctx: Context, id: string): Promise<Session | undefined> {
    return this.#call('find', () => this.inner.find(ctx, id));
  }
  revoke(ctx: Context, id: string): Promise<void> {
    return this.#call('revoke', () => this.inner.revoke(ctx, id));
  }
  revokeAllForUser(ctx: Context, userId: string): Promise<void> {
    return this.#call('revokeAllForUser', () => this.inner.revokeAllForUser(ctx, userId));
  }
  #call<T>(name: string, run: () => Promise<T>): Promise<T> {
    this.calls.push(name);
    return this.failure ? Promise.reject(this.failure()) : run();
  }
}

const redisDown = () => new DependencyUnavailableError('redis');

describeSessionStoreContract('primary with fallback', ({ idleTtlMs }) => {
  let userCount = 0;
  return {
    store: new FallbackSessionStore(new InMemorySessionStore({ idleTtlMs }), new InMemorySessionStore({ idleTtlMs }), { idleTtlMs }),
    newUserId: () => Promise.resolve(`user-${(userCount += 1)}`),
    cleanup: () => undefined,
  };
});

describe('FallbackSessionStore', () => {
  const lifetime = sessionLifetime(60_000, 3_600_000);
  const warn = vi.fn();
  const ctx: Context = { ...testContext(), log: { ...testContext().log, warn } };
  let clock: number;
  let primary: SwitchableStore;
  let fallback: SwitchableStore;
  let store: FallbackSessionStore;

  beforeEach(() => {
    clock = Date.parse('2030-01-01T00:00:00Z');
    const now = () => new Date(clock);
    primary = new SwitchableStore(new InMemorySessionStore({ idleTtlMs: lifetime.idleTtlMs, now }));
    fallback = new SwitchableStore(new InMemorySessionStore({ idleTtlMs: lifetime.idleTtlMs, now }));
    store = new FallbackSessionStore(primary, fallback, { idleTtlMs: lifetime.idleTtlMs, now: () => clock, warnIntervalMs: 10_000 });
    warn.mockClear();
  });

  const newSession = (userId = 'ada') => startSession(lifetime, new Date(clock), { id: issueSessionToken().sessionId, userId, roles: ['customer'] });

  it('when a session is created, then both stores hold it', async () => {
    const session = newSession();

    await store.create(ctx, session);

    expect(await primary.inner.find(ctx, session.id)).toMatchObject({ id: session.id });
    expect(await fallback.inner.find(ctx, session.id)).toMatchObject({ id: session.id });
  });

  it('when the primary is unavailable, then sessions are read from the fallback, with one warning for many reads', async () => {
    const session = newSession();
    await store.create(ctx, session);
    primary.failure = redisDown;

    const first = await store.find(ctx, session.id);
    const second = await store.find(ctx, session.id);

    expect([first?.id, second?.id]).toEqual([session.id, session.id]);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('when the primary fails in another way, then the failure is not hidden', async () => {
    const session = newSession();
    await store.create(ctx, session);
    primary.failure = () => new TypeError('a bug');

    await expect(store.find(ctx, session.id)).rejects.toBeInstanceOf(TypeError);
    expect(fallback.calls.filter((call) => call === 'find')).toEqual([]);
  });

  it('when the primary does not know a session, then the fallback is not asked', async () => {
    const session = newSession();
    await fallback.inner.create(ctx, session);

    expect(await store.find(ctx, session.id)).toBeUndefined();
  });

  it('when the primary is unavailable at login, then the session is created in the fallback and can be used', async () => {
    primary.failure = redisDown;
    const session = newSession();

    await store.create(ctx, session);

    expect(await store.find(ctx, session.id)).toMatchObject({ id: session.id });
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['both stores are unavailable', redisDown, redisDown],
    ['a store fails in another way', () => new TypeError('a bug'), undefined],
  ])('when %s at login, then create throws', async (_, primaryFailure, fallbackFailure) => {
    primary.failure = primaryFailure;
    fallback.failure = fallbackFailure;

    await expect(store.create(ctx, newSession())).rejects.toBeInstanceOf(primaryFailure().constructor);
  });

  it.each([
    ['revoke', (s: FallbackSessionStore, session: Session) => s.revoke(ctx, session.id)],
    ['revokeAllForUser', (s: FallbackSessionStore, session: Session) => s.revokeAllForUser(ctx, session.userId)],
  ])('when the primary is unavailable, then %s still revokes in the fallback but fails, so the session cannot come back unnoticed', async (_, revoke) => {
    const session = newSession();
    await store.create(ctx, session);
    primary.failure = redisDown;

    await expect(revoke(store, session)).rejects.toBeInstanceOf(DependencyUnavailableError);
    expect(await fallback.inner.find(ctx, session.id)).toBeUndefined();
  });

  it('when a session is used often, then the fallback copy is refreshed at most every quarter of the idle TTL', async () => {
    const session = newSession();
    await store.create(ctx, session);

    for (let second = 1; second <= 60; second += 1) {
      clock += 1_000;
      await store.find(ctx, session.id);
    }

    // 60 s of use with an idle TTL of 60 s: refreshes at 15, 30, 45 and 60 s.
    expect(fallback.calls.filter((call) => call === 'find')).toHaveLength(4);
    clock += 50_000;
    primary.failure = redisDown;
    expect(await store.find(ctx, session.id)).toMatchObject({ id: session.id });
  });

  it('when the fallback lost a session the primary still serves, then the next refresh restores it there', async () => {
    primary.failure = undefined;
    const session = newSession();
    await primary.inner.create(ctx, session);

    await store.find(ctx, session.id);

    expect(await fallback.inner.find(ctx, session.id)).toMatchObject({ id: session.id, userId: session.userId });
  });

  it('when refreshing the fallback fails, then the session is still served from the primary', async () => {
    const session = newSession();
    await primary.inner.create(ctx, session);
    fallback.failure = () => new DependencyUnavailableError('postgres');

    expect(await store.find(ctx, session.id)).toMatchObject({ id: session.id });
  });
});
