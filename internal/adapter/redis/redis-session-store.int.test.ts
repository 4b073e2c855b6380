import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { testContext } from '../../../test/support/test-context.ts';
import { freePort } from '../../../test/support/free-port.ts';
import { sessionLifetime, startSession } from '../../domain/identity/session.ts';
import { describeSessionStoreContract } from '../../../test/contracts/session-store.contract.ts';
import { issueSessionToken } from '../../domain/identity/session-token.ts';
import { DependencyUnavailableError } from '../../domain/shared/domain-error.ts';
import { RedisSessionStore } from './redis-session-store.ts';

const redisUrl = inject('redisUrl');
const ctx = testContext();

describe.runIf(redisUrl)('RedisSessionStore', () => {
  let client: Redis;

  beforeAll(() => {
    client = new Redis(redisUrl, { enableOfflineQueue: true, maxRetriesPerRequest: 1, commandTimeout: 2_000 });
  });

  afterAll(async () => {
    await client?.quit();
  });

  const removeKeys = async (prefix: string) => {
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
  };
  const uniquePrefix = () => `test:sessions:${randomUUID()}:`;

  describeSessionStoreContract('Redis', ({ idleTtlMs }) => {
    const prefix = uniquePrefix();
    return {
      store: new RedisSessionStore(client, { keyPrefix: prefix, idleTtlMs }),
      newUserId: () => Promise.resolve(randomUUID()),
      cleanup: () => removeKeys(prefix),
    };
  });

  describe('keys', () => {
    const lifetime = sessionLifetime(60_000, 3_600_000);

    it('when a session is created, then its key expires after the idle TTL and the user set after the absolute TTL, and neither holds the token', async () => {
      const prefix = uniquePrefix();
      const store = new RedisSessionStore(client, { keyPrefix: prefix, idleTtlMs: lifetime.idleTtlMs });
      const { token, sessionId } = issueSessionToken();
      const userId = randomUUID();

      await store.create(ctx, startSession(lifetime, new Date(), { id: sessionId, userId, roles: ['customer'] }));

      const sessionTtl = await client.pttl(`${prefix}session:${sessionId}`);
      const setTtl = await client.pttl(`${prefix}user-sessions:${userId}`);
      expect(sessionTtl).toBeGreaterThan(55_000);
      expect(sessionTtl).toBeLessThanOrEqual(60_000);
      expect(setTtl).toBeGreaterThan(3_500_000);
      expect(await client.smembers(`${prefix}user-sessions:${userId}`)).toEqual([sessionId]);
      expect(await client.get(`${prefix}session:${sessionId}`)).not.toContain(token);
      await removeKeys(prefix);
    });

    it('when a user logs in again after earlier sessions ended, then the user set keeps only live session ids', async () => {
      const prefix = uniquePrefix();
      const store = new RedisSessionStore(client, { keyPrefix: prefix, idleTtlMs: lifetime.idleTtlMs });
      const userId = randomUUID();
      const first = startSession(lifetime, new Date(), { id: issueSessionToken().sessionId, userId, roles: ['customer'] });
      const second = startSession(lifetime, new Date(), { id: issueSessionToken().sessionId, userId, roles: ['customer'] });
      await store.create(ctx, first);
      await store.revoke(ctx, first.id);

      await store.create(ctx, second);

      expect(await client.smembers(`${prefix}user-sessions:${userId}`)).toEqual([second.id]);
      await removeKeys(prefix);
    });

    // Simulated: flushing the script cache of a Redis other tests may share would disturb them.
    it('when Redis has forgotten its scripts (NOSCRIPT), then the store sends the script itself', async () => {
      const prefix = uniquePrefix();
      const store = new RedisSessionStore(client, { keyPrefix: prefix, idleTtlMs: lifetime.idleTtlMs });
      const session = startSession(lifetime, new Date(), { id: issueSessionToken().sessionId, userId: randomUUID(), roles: ['customer'] });
      await store.create(ctx, session);
      const evalsha = vi.spyOn(client, 'evalsha').mockRejectedValueOnce(new Error('NOSCRIPT No matching script. Please use EVAL.'));

      const found = await store.find(ctx, session.id);

      expect(evalsha).toHaveBeenCalledTimes(1);
      expect(found).toMatchObject({ id: session.id });
      evalsha.mockRestore();
      await removeKeys(prefix);
    });
  });
});

describe('RedisSessionStore without Redis', () => {
  it.each([
    ['create', (store: RedisSessionStore) => store.create(ctx, startSession(sessionLifetime(1_000, 2_000), new Date(), { id: 'x', userId: 'u', roles: ['customer'] }))],
    ['find', (store: RedisSessionStore) => store.find(ctx, 'x')],
    ['revoke', (store: RedisSessionStore) => store.revoke(ctx, 'x')],
    ['revokeAllForUser', (store: RedisSessionStore) => store.revokeAllForUser(ctx, 'u')],
  ])('when Redis cannot be reached, then %s throws DependencyUnavailableError', async (_, call) => {
    const client = new Redis(`redis://127.0.0.1:${await freePort()}`, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 200,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    const store = new RedisSessionStore(client, { keyPrefix: 'test:', idleTtlMs: 1_000 });

    try {
      await expect(call(store)).rejects.toBeInstanceOf(DependencyUnavailableError);
    } finally {
      client.disconnect();
    }
  });
});
