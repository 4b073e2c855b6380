import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testContext } from '../../../test/support/test-context.ts';
import type { AuthorizationRequest } from '../../domain/payment/payment-gateway.ts';
import { PaymentUnavailableError } from '../../domain/payment/payment.errors.ts';
import type { BreakerState } from '../../platform/resilience/circuit-breaker.ts';
import { PaymentSandboxAdmin } from '../../sandbox/payment-gateway/sandbox-admin-client.ts';
import { startPaymentSandbox, type RunningPaymentSandbox } from '../../sandbox/payment-gateway/start-sandbox.ts';
import { HttpPaymentGateway } from './http-payment-gateway.ts';
import type { HttpPaymentGatewayOptions } from './http-payment-gateway.options.ts';
import { GatewayInvalidStateError, GatewayRequestError } from './payment-gateway.errors.ts';

let sandbox: RunningPaymentSandbox;
let admin: PaymentSandboxAdmin;
const gateways: HttpPaymentGateway[] = [];

beforeAll(async () => {
  sandbox = await startPaymentSandbox({ port: 0 });
  admin = new PaymentSandboxAdmin(sandbox.url);
});

beforeEach(async () => {
  await admin.reset();
});

afterEach(async () => {
  await Promise.all(gateways.splice(0).map((g) => g.close()));
});

afterAll(async () => {
  await sandbox?.stop();
});

/** A gateway with test-sized timings, recording every event it reports. */
function gatewayFor(overrides: Partial<HttpPaymentGatewayOptions> = {}) {
  const recorded = {
    retries: [] as { attempt: number; delayMs: number }[],
    breaker: [] as BreakerState[],
    bulkheadRejects: 0,
    rateLimited: [] as { source: string; waitedMs: number }[],
  };
  const breakerWaiters: { state: BreakerState; resolve: () => void }[] = [];
  const gateway = new HttpPaymentGateway({
    baseUrl: sandbox.url,
    attemptTimeoutMs: 500,
    retry: { baseDelayMs: 10, maxDelayMs: 50, maxRetryTimeMs: 3_000 },
    ...overrides,
    events: {
      onRetry: ({ attempt, delayMs }) => recorded.retries.push({ attempt, delayMs }),
      onBreakerStateChange: ({ to }) => {
        recorded.breaker.push(to);
        breakerWaiters.filter((w) => w.state === to).forEach((w) => w.resolve());
      },
      onBulkheadReject: () => (recorded.bulkheadRejects += 1),
      onRateLimited: ({ source, waitedMs }) => recorded.rateLimited.push({ source, waitedMs }),
      ...overrides.events,
    },
  });
  gateways.push(gateway);
  /** Resolves when the breaker next moves to `state`. */
  const breakerReaches = (state: BreakerState) => new Promise<void>((resolve) => breakerWaiters.push({ state, resolve }));
  return { gateway, recorded, breakerReaches };
}

function request(cardToken = 'tok_approved', amountMinor = 1_250): AuthorizationRequest {
  return { idempotencyKey: `order-${randomUUID()}`, amount: { amountMinor, currency: 'EUR' }, cardToken };
}

const ctx = testContext();
const requestsSeen = async () => (await admin.stats()).requests;

describe('HttpPaymentGateway against the sandbox gateway', () => {
  describe('outcomes', () => {
    it('when the card is good, then the authorization is approved and can be found by its key', async () => {
      const { gateway } = gatewayFor();
      const req = request('tok_approved', 4_200);

      const result = await gateway.authorize(ctx, req);

      expect(result).toEqual({ outcome: 'approved', authorizationId: expect.stringMatching(/^auth_/) });
      expect(await gateway.findByIdempotencyKey(ctx, req.idempotencyKey)).toEqual({
        authorizationId: result.authorizationId,
        idempotencyKey: req.idempotencyKey,
        state: 'approved',
        amount: { amountMinor: 4_200, currency: 'EUR' },
      });
    });

    it.each([
      ['tok_declined', 'card_declined'],
      ['tok_insufficient_funds', 'insufficient_funds'],
      ['tok_fraud', 'suspected_fraud'],
    ])('when the card is %s, then the result is a decline with %s, not an error', async (cardToken, declineCode) => {
      const { gateway } = gatewayFor();

      const result = await gateway.authorize(ctx, request(cardToken));

      expect(result).toEqual({ outcome: 'declined', authorizationId: expect.stringMatching(/^auth_/), declineCode });
    });

    it('when the gateway does not know the card token, then it is declined as invalid_card with nothing authorized, and the breaker does not count it', async () => {
      const { gateway } = gatewayFor();

      const result = await gateway.authorize(ctx, request('tok_whatever'));

      expect(result).toEqual({ outcome: 'declined', authorizationId: undefined, declineCode: 'invalid_card' });
      expect(gateway.stats().breaker).toBe('closed');
      expect(await admin.stats()).toMatchObject({ authorizations: 0 });
    });

    it('when nothing was authorized with a key, then finding it gives undefined', async () => {
      const { gateway } = gatewayFor();

      expect(await gateway.findByIdempotencyKey(ctx, `order-${randomUUID()}`)).toBeUndefined();
    });

    it('when a key is reused with another amount, then it is a request error and not retried', async () => {
      const { gateway } = gatewayFor();
      const req = request();
      await gateway.authorize(ctx, req);

      const reused = gateway.authorize(ctx, { ...req, amount: { amountMinor: 9_999, currency: 'EUR' } });

      await expect(reused).rejects.toBeInstanceOf(GatewayRequestError);
      await expect(reused).rejects.toMatchObject({ status: 422 });
      expect(await requestsSeen()).toBe(2);
    });
  });

  describe('retries', () => {
    it('when the gateway fails twice with 503, then the third attempt approves and only one authorization exists', async () => {
      const { gateway, recorded } = gatewayFor();
      await admin.setFaults({ fail_next: 2 });

      const result = await gateway.authorize(ctx, request());

      expect(result.outcome).toBe('approved');
      expect(recorded.retries.map((r) => r.attempt)).toEqual([1, 2]);
      expect(await admin.stats()).toMatchObject({ requests: 3, authorizations: 1 });
    });

    it('when the answer is lost after the gateway committed, then the retry with the same key gets the same authorization', async () => {
      const { gateway } = gatewayFor();
      const req = request();
      await admin.setFaults({ fail_after_commit_next: 1 });

      const result = await gateway.authorize(ctx, req);

      expect(result.outcome).toBe('approved');
      expect((await gateway.findByIdempotencyKey(ctx, req.idempotencyKey))?.authorizationId).toBe(result.authorizationId);
      expect(await admin.stats()).toMatchObject({ authorizations: 1 });
    });

    it('when the gateway resets connections, then the call retries and succeeds', async () => {
      const { gateway } = gatewayFor({ retry: { maxAttempts: 100, baseDelayMs: 10, maxDelayMs: 50, maxRetryTimeMs: 5_000 } });
      await admin.setFaults({ reset_rate: 1 });
      const req = request();
      const pending = gateway.authorize(ctx, req);
      await expect.poll(requestsSeen).toBeGreaterThanOrEqual(1);
      await admin.clearFaults();

      expect((await pending).outcome).toBe('approved');
      expect(await admin.stats()).toMatchObject({ authorizations: 1 });
    });

    it('when the gateway hangs, then each attempt times out, it gives up within the budget and sends no more than maxAttempts requests', async () => {
      const { gateway } = gatewayFor({ attemptTimeoutMs: 200, retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50, maxRetryTimeMs: 3_000 } });
      await admin.setFaults({ hang_rate: 1 });
      const startedAt = performance.now();

      const error = await gateway.authorize(ctx, request()).catch((e: unknown) => e);

      const elapsed = performance.now() - startedAt;
      expect(error).toBeInstanceOf(PaymentUnavailableError);
      expect((error as Error).message).toContain('no answer in time');
      expect(elapsed).toBeGreaterThanOrEqual(3 * 190);
      expect(elapsed).toBeLessThan(3 * 200 + 2 * 50 + 400);
      expect(await requestsSeen()).toBe(3);
    });

    it('when the gateway answers 429, then the retry waits at least its Retry-After', async () => {
      const { gateway, recorded } = gatewayFor({
        events: {
          // The first 429 has been answered: let the retry through.
          onRateLimited: ({ source }) => void (source === 'gateway' && admin.clearFaults()),
        },
      });
      await admin.setFaults({ rate_limit_rate: 1, retry_after_s: 1 });
      const startedAt = performance.now();

      const result = await gateway.authorize(ctx, request());

      expect(result.outcome).toBe('approved');
      expect(performance.now() - startedAt).toBeGreaterThanOrEqual(1_000);
      expect(recorded.retries).toEqual([{ attempt: 1, delayMs: 1_000 }]);
      expect(await admin.stats()).toMatchObject({ requests: 2, authorizations: 1 });
    });

    it('when the Retry-After is longer than the budget, then it gives up at once with PaymentUnavailableError and retryAfterMs', async () => {
      const { gateway, recorded } = gatewayFor({ retry: { maxRetryTimeMs: 2_000 } });
      await admin.setFaults({ rate_limit_rate: 1, retry_after_s: 5 });
      const startedAt = performance.now();

      const error = await gateway.authorize(ctx, request()).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(PaymentUnavailableError);
      expect(error).toMatchObject({ retryAfterMs: 5_000 });
      expect(performance.now() - startedAt).toBeLessThan(500);
      expect(recorded.rateLimited.filter((e) => e.source === 'gateway')).toEqual([{ source: 'gateway', waitedMs: 5_000 }]);
      expect(await requestsSeen()).toBe(1);
    });

    it('when the caller aborts during a backoff wait, then the call stops at once with the caller reason', async () => {
      const controller = new AbortController();
      const { gateway } = gatewayFor({
        retry: { maxAttempts: 5, maxRetryTimeMs: 60_000 },
        events: { onRetry: () => controller.abort(new Error('client went away')) },
      });
      await admin.setFaults({ rate_limit_rate: 1, retry_after_s: 30 });
      const startedAt = performance.now();

      const call = gateway.authorize(testContext(controller.signal), request());

      await expect(call).rejects.toThrow('client went away');
      expect(performance.now() - startedAt).toBeLessThan(500);
      expect(await requestsSeen()).toBe(1);
    });

    it('when the caller aborts while an attempt hangs, then the call stops at once without retrying', async () => {
      const controller = new AbortController();
      const { gateway } = gatewayFor({ attemptTimeoutMs: 10_000 });
      await admin.setFaults({ hang_rate: 1 });
      const call = gateway.authorize(testContext(controller.signal), request());
      await expect.poll(requestsSeen).toBe(1);
      const abortedAt = performance.now();

      controller.abort(new Error('deadline passed'));

      await expect(call).rejects.toThrow('deadline passed');
      expect(performance.now() - abortedAt).toBeLessThan(200);
      expect(await requestsSeen()).toBe(1);
    });
  });

  describe('circuit breaker', () => {
    it('when most calls fail, then it opens and fails fast without reaching the gateway, and a probe after the reset timeout closes it', async () => {
      const { gateway, recorded, breakerReaches } = gatewayFor({
        retry: { maxAttempts: 1 },
        breaker: { volumeThreshold: 4, resetTimeoutMs: 400 },
      });
      await admin.setFaults({ error_rate: 1 });
      const opened = breakerReaches('open');
      for (let i = 0; i < 4; i += 1) {
        await expect(gateway.authorize(ctx, request())).rejects.toThrow('answered 503');
      }
      await opened;
      const seenWhenOpened = await requestsSeen();

      for (let i = 0; i < 5; i += 1) {
        const startedAt = performance.now();
        const error = await gateway.authorize(ctx, request()).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(PaymentUnavailableError);
        expect((error as Error).message).toContain('circuit open');
        expect((error as PaymentUnavailableError).retryAfterMs).toBeGreaterThan(0);
        expect((error as PaymentUnavailableError).retryAfterMs).toBeLessThanOrEqual(400);
        expect(performance.now() - startedAt).toBeLessThan(50);
      }
      expect(await requestsSeen()).toBe(seenWhenOpened);
      expect(gateway.stats().breaker).toBe('open');

      const halfOpen = breakerReaches('half_open');
      await admin.clearFaults();
      await halfOpen;
      const probe = await gateway.authorize(ctx, request());

      expect(probe.outcome).toBe('approved');
      expect(gateway.stats().breaker).toBe('closed');
      expect(recorded.breaker).toEqual(['open', 'half_open', 'closed']);
      expect(await requestsSeen()).toBe(seenWhenOpened + 1);
    });

    it('when only authorizations fail while lookups succeed, then it still opens, and lookups fail fast while it is open', async () => {
      const { gateway, breakerReaches } = gatewayFor({ retry: { maxAttempts: 1 }, breaker: { volumeThreshold: 4, resetTimeoutMs: 60_000 } });
      await admin.setFaults({ error_rate: 1, scope: 'authorize' });
      const opened = breakerReaches('open');

      for (let i = 0; i < 4; i += 1) {
        const failed = request();
        await expect(gateway.authorize(ctx, failed)).rejects.toThrow('answered 503');
        // What the order flow does after a failed authorization: ask whether it happened.
        // Twice each, so that counted they would keep the failure share under half.
        for (let lookup = 0; lookup < 2 && i < 3; lookup += 1) {
          expect(await gateway.findByIdempotencyKey(ctx, failed.idempotencyKey)).toBeUndefined();
        }
      }
      await opened;
      const seenWhenOpened = await requestsSeen();

      await expect(gateway.findByIdempotencyKey(ctx, 'any-key')).rejects.toThrow('circuit open');
      expect(await requestsSeen()).toBe(seenWhenOpened);
    });

    it('when calls are declined or rejected with 4xx, then the breaker stays closed', async () => {
      const { gateway, recorded } = gatewayFor({ breaker: { volumeThreshold: 2 } });

      const used = request();
      await gateway.authorize(ctx, used);

      for (let i = 0; i < 4; i += 1) {
        expect((await gateway.authorize(ctx, request('tok_declined'))).outcome).toBe('declined');
        expect((await gateway.authorize(ctx, request('tok_unknown'))).outcome).toBe('declined');
        await expect(gateway.authorize(ctx, { ...used, amount: { amountMinor: 1 + i, currency: 'EUR' } })).rejects.toMatchObject({ status: 422 });
      }

      expect(recorded.breaker).toEqual([]);
      expect(gateway.stats().breaker).toBe('closed');
    });
  });

  describe('bulkhead', () => {
    it('when every slot and queue place is taken, then the next call is rejected at once', async () => {
      const { gateway, recorded } = gatewayFor({ attemptTimeoutMs: 5_000, bulkhead: { maxConcurrent: 1, maxQueue: 1 } });
      await admin.setFaults({ hang_rate: 1 });
      const running = gateway.authorize(ctx, request());
      const queued = gateway.authorize(ctx, request());
      expect(gateway.stats()).toMatchObject({ running: 1, queued: 1 });
      const startedAt = performance.now();

      const error = await gateway.authorize(ctx, request()).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(PaymentUnavailableError);
      expect((error as Error).message).toContain('bulkhead full');
      expect(performance.now() - startedAt).toBeLessThan(50);
      expect(recorded.bulkheadRejects).toBe(1);
      // Release the hung request; the queued call then goes through.
      await admin.reset();
      await Promise.allSettled([running, queued]);
    });

    it('when new authorizations take every slot and queue place, then a void and a lookup still go through at once on their own share', async () => {
      const { gateway } = gatewayFor({ attemptTimeoutMs: 5_000, bulkhead: { maxConcurrent: 1, maxQueue: 1 } });
      const toUndo = request();
      const { authorizationId } = (await gateway.authorize(ctx, toUndo)) as { authorizationId: string };
      await admin.setFaults({ latency_ms: { min: 1_500, max: 1_500 }, scope: 'authorize' });
      const running = gateway.authorize(ctx, request());
      const queued = gateway.authorize(ctx, request());
      const refused = await gateway.authorize(ctx, request()).catch((e: unknown) => e);
      const startedAt = performance.now();

      const found = await gateway.findByIdempotencyKey(ctx, toUndo.idempotencyKey);
      await gateway.void(ctx, authorizationId);

      expect((refused as Error).message).toContain('bulkhead full');
      expect(found).toMatchObject({ authorizationId, state: 'approved' });
      expect(performance.now() - startedAt).toBeLessThan(500);
      expect(await gateway.findByIdempotencyKey(ctx, toUndo.idempotencyKey)).toMatchObject({ state: 'voided' });
      await admin.reset();
      await Promise.allSettled([running, queued]);
    });
  });

  describe('capture, void and refund', () => {
    it('when captured and refunded twice each, then every repeat is a no-op', async () => {
      const { gateway } = gatewayFor();
      const req = request();
      const { authorizationId = '' } = await gateway.authorize(ctx, req);

      await gateway.capture(ctx, authorizationId);
      await gateway.capture(ctx, authorizationId);
      expect((await gateway.findByIdempotencyKey(ctx, req.idempotencyKey))?.state).toBe('captured');
      await gateway.refund(ctx, authorizationId);
      await gateway.refund(ctx, authorizationId);

      expect((await gateway.findByIdempotencyKey(ctx, req.idempotencyKey))?.state).toBe('refunded');
      expect((await admin.stats()).by_status).toMatchObject({ refunded: 1, captured: 0, approved: 0 });
    });

    it('when voided twice, then the repeat is a no-op', async () => {
      const { gateway } = gatewayFor();
      const req = request();
      const { authorizationId = '' } = await gateway.authorize(ctx, req);

      await gateway.void(ctx, authorizationId);
      await gateway.void(ctx, authorizationId);

      expect((await gateway.findByIdempotencyKey(ctx, req.idempotencyKey))?.state).toBe('voided');
    });

    it('when a declined authorization is voided, then there is nothing to release and it succeeds', async () => {
      const { gateway } = gatewayFor();
      const { authorizationId = '' } = await gateway.authorize(ctx, request('tok_declined'));

      await expect(gateway.void(ctx, authorizationId)).resolves.toBeUndefined();
    });

    it.each([
      ['void', 'a captured', 'captured'],
      ['refund', 'an uncaptured', 'approved'],
      ['capture', 'a voided', 'voided'],
    ] as const)('when asked to %s %s authorization, then it is a GatewayInvalidStateError naming the state', async (operation, _, state) => {
      const { gateway } = gatewayFor();
      const { authorizationId = '' } = await gateway.authorize(ctx, request());
      if (state === 'captured') await gateway.capture(ctx, authorizationId);
      if (state === 'voided') await gateway.void(ctx, authorizationId);

      const error = await gateway[operation](ctx, authorizationId).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(GatewayInvalidStateError);
      expect(error).toMatchObject({ authorizationId, operation, state });
    });

    it('when the gateway fails once during a capture, then the capture is retried and done once', async () => {
      const { gateway } = gatewayFor();
      const req = request();
      const { authorizationId = '' } = await gateway.authorize(ctx, req);
      await admin.setFaults({ fail_next: 1 });

      await gateway.capture(ctx, authorizationId);

      expect((await gateway.findByIdempotencyKey(ctx, req.idempotencyKey))?.state).toBe('captured');
    });

    it('when the authorization does not exist, then it is a request error (404)', async () => {
      const { gateway } = gatewayFor();

      await expect(gateway.capture(ctx, 'auth_missing')).rejects.toMatchObject({ name: 'GatewayRequestError', status: 404 });
    });
  });

  describe('rate limit', () => {
    it('when more requests come than the limit allows, then the extra ones wait for the next interval', async () => {
      const { gateway, recorded } = gatewayFor({ rateLimit: { maxRequests: 2, intervalMs: 400 } });
      const startedAt = performance.now();

      await Promise.all([gateway.authorize(ctx, request()), gateway.authorize(ctx, request()), gateway.authorize(ctx, request())]);

      expect(performance.now() - startedAt).toBeGreaterThanOrEqual(250);
      expect(recorded.rateLimited).toEqual([{ source: 'local', waitedMs: expect.any(Number) }]);
      expect(await admin.stats()).toMatchObject({ requests: 3, authorizations: 3 });
    });

    it('when settling calls wait for the limit with new authorizations, then they go first', async () => {
      const { gateway } = gatewayFor({ rateLimit: { maxRequests: 1, intervalMs: 300 } });
      const toUndo = request();
      const { authorizationId } = (await gateway.authorize(ctx, toUndo)) as { authorizationId: string };
      const done: string[] = [];

      await Promise.all([
        gateway.authorize(ctx, request()).then(() => done.push('authorize 1')),
        gateway.authorize(ctx, request()).then(() => done.push('authorize 2')),
        gateway.void(ctx, authorizationId).then(() => done.push('void')),
      ]);

      expect(done).toEqual(['void', 'authorize 1', 'authorize 2']);
    });
  });

  describe('lifecycle', () => {
    it('when closed, then later calls fail as unavailable and closing again is harmless', async () => {
      const { gateway } = gatewayFor();
      await gateway.authorize(ctx, request());

      await gateway.close();
      await gateway.close();

      await expect(gateway.authorize(ctx, request())).rejects.toBeInstanceOf(PaymentUnavailableError);
    });

    it('when closed, then it leaves no open sockets behind', async () => {
      const count = () => {
        const counts = new Map<string, number>();
        for (const r of process.getActiveResourcesInfo()) counts.set(r, (counts.get(r) ?? 0) + 1);
        return counts;
      };
      const before = count();
      /** Resource kinds of which there are more now than before the gateway existed. */
      const grown = () => [...count()].filter(([kind, n]) => n > (before.get(kind) ?? 0)).map(([kind]) => kind);
      const { gateway } = gatewayFor({ rateLimit: { maxRequests: 100, intervalMs: 1_000 } });
      await Promise.all([gateway.authorize(ctx, request()), gateway.authorize(ctx, request())]);
      expect(grown()).toContain('TCPSocketWrap');

      await gateway.close();

      await expect.poll(grown).toEqual([]);
    });
  });
});
