import type { AppConfig } from '../../internal/platform/config/config.schema.ts';

/**
 * Which adapter implements each port that has more than one, decided from the
 * configuration alone: the one place to read (and change) those choices. The
 * wiring (adapters.ts and the helpers it calls) builds what this table says;
 * the service logs it at start (`adapters chosen`).
 */
export interface AdapterChoices {
  /** DATABASE_URL, or the embedded server the service starts itself. */
  readonly database: 'postgres' | 'embedded postgres';
  /** Sessions: PostgreSQL is the record always; with REDIS_URL, Redis caches it. */
  readonly sessions: 'postgres' | 'postgres cached in redis';
  /** User and product reads: an in-process LRU, in front of Redis with REDIS_URL. */
  readonly entityCache: 'in-process' | 'in-process in front of redis';
  /** API and sign-in rate limits: counted per instance, or shared in Redis (API hits batched unless RATE_LIMIT_SYNC_INTERVAL_MS=0). */
  readonly rateLimits: 'in-process' | 'redis' | 'redis, api hits batched';
  /** The per-account sign-in limit every replica shares. */
  readonly signInThrottle: 'postgres' | 'redis, postgres while it fails';
  /** Integration events: relayed to NATS JetStream with NATS_URL, else to in-process consumers. */
  readonly events: 'in-process bus' | 'nats jetstream';
  /** Card payments: PAYMENT_GATEWAY_URL, or the sandbox the service starts itself. */
  readonly paymentGateway: 'http gateway' | 'embedded sandbox';
}

export function chooseAdapters(config: AppConfig): AdapterChoices {
  const redis = config.redis.url !== '';
  return {
    database: config.database.url ? 'postgres' : 'embedded postgres',
    sessions: redis ? 'postgres cached in redis' : 'postgres',
    entityCache: redis ? 'in-process in front of redis' : 'in-process',
    rateLimits: !redis ? 'in-process' : config.rateLimit.apiSyncIntervalMs > 0 ? 'redis, api hits batched' : 'redis',
    signInThrottle: redis ? 'redis, postgres while it fails' : 'postgres',
    events: config.events.natsUrl ? 'nats jetstream' : 'in-process bus',
    paymentGateway: config.payment.gatewayUrl ? 'http gateway' : 'embedded sandbox',
  };
}
