import type { Redis } from 'ioredis';
import type pg from 'pg';
import { HttpPaymentGateway } from '../../internal/adapter/payment/http-payment-gateway.ts';
import type { PaymentGatewayEvents } from '../../internal/adapter/payment/http-payment-gateway.options.ts';
import type { AppConfig } from '../../internal/platform/config/config.schema.ts';
import type { Logger } from '../../internal/platform/logger/logger.ts';
import { PostgresAuthorizationJournal } from '../../internal/sandbox/payment-gateway/postgres-authorization-journal.ts';
import { startPaymentSandbox } from '../../internal/sandbox/payment-gateway/start-sandbox.ts';

export interface OpenedPaymentGateway {
  readonly gateway: HttpPaymentGateway;
  /** Set when the sandbox runs beside the service (embedded mode). */
  readonly sandboxUrl: string | undefined;
  readonly close: () => Promise<void>;
}

/**
 * The HTTP payment gateway at PAYMENT_GATEWAY_URL, or the sandbox gateway
 * started beside the service when none is configured: the same adapter and
 * resilience either way, over real HTTP. With `sandboxPool`, the sandbox keeps
 * its authorizations in that database (table payment_sandbox_authorizations),
 * so a restart — or `npm run reconcile`, which starts its own — sees them.
 */
export async function openPaymentGateway(
  config: AppConfig,
  logger: Logger,
  redis: Redis | undefined,
  events?: PaymentGatewayEvents,
  sandboxPool?: pg.Pool,
): Promise<OpenedPaymentGateway> {
  const journal = sandboxPool ? new PostgresAuthorizationJournal(sandboxPool) : undefined;
  const sandbox = config.payment.gatewayUrl === '' ? await startPaymentSandbox({
          port: 0,
          journal,
          onRestoreFailed: (error) => logger.warn({ error: error.message }, 'sandbox payment gateway cannot load its authorizations yet; retrying'),
        }) : undefined;
  if (sandbox) logger.info({ url: sandbox.url }, 'sandbox payment gateway started (PAYMENT_GATEWAY_URL is empty)');
  const gateway = new HttpPaymentGateway({
    baseUrl: sandbox?.url ?? config.payment.gatewayUrl,
    log: logger,
    events,
    attemptTimeoutMs: config.payment.attemptTimeoutMs,
    retry: { maxAttempts: config.payment.maxAttempts, maxRetryTimeMs: config.payment.maxRetryTimeMs },
    breaker: { resetTimeoutMs: config.payment.breakerResetMs },
    bulkhead: { maxConcurrent: config.payment.maxConcurrent, maxQueue: config.payment.maxQueued },
    rateLimit: { maxRequests: config.payment.requestsPerSecond, intervalMs: 1_000, ...(redis ? { redis, id: `${config.redis.keyPrefix}payment-gateway` } : {}) },
  });
  return {
    gateway,
    sandboxUrl: sandbox?.url,
    close: async () => {
      await gateway.close();
      await sandbox?.stop();
    },
  };
}
