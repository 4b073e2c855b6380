import type { Schema } from 'convict';
import type { SizingReport } from '../sizing/resource-sizing.ts';
import { cronFormat } from '../scheduler/cron-schedule.ts';

export interface AppConfig {
  env: 'production' | 'development' | 'test';
  /** Not a setting: what loadConfig sized from the container's limits, and why. */
  sizing?: SizingReport;
  http: {
    host: string;
    port: number;
    bodyLimitBytes: number;
    requestBudgetMs: number;
    headersTimeoutMs: number;
    requestTimeoutMs: number;
    keepAliveTimeoutMs: number;
    trustProxy: string;
    corsOrigins: string;
    cursorSigningKey: string;
  };
  auth: {
    sessionIdleTtlMs: number;
    sessionAbsoluteTtlMs: number;
    hashConcurrency: number;
    hashQueue: number;
    bootstrapAdminEmail: string;
    bootstrapAdminPassword: string;
    signInFreeAttempts: number;
    signInDelayBaseMs: number;
    signInDelayMaxMs: number;
    signInForgetAfterMs: number;
    passwordResetTtlMs: number;
  };
  rateLimit: {
    windowMs: number;
    authPerWindow: number;
    apiPerWindow: number;
    apiSyncIntervalMs: number;
  };
  cache: {
    ttlMs: number;
    localTtlMs: number;
    localMaxEntries: number;
    negativeTtlMs: number;
    staleWindowMs: number;
  };
  schedules: {
    recoverPendingOrders: ScheduleSettings;
    purgeIdempotencyKeys: ScheduleSettings;
    purgeSessions: ScheduleSettings;
    purgeSignInAttempts: ScheduleSettings;
    purgeOutbox: ScheduleSettings;
    purgeBatchSize: number;
  };
  activity: { heartbeatMs: number; bufferEvents: number; maxSubscribers: number; maxStreamsPerUser: number };
  jobs: {
    enabled: boolean;
    concurrency: number;
    queueConcurrency: string;
    batchSize: number;
    queueBatchSize: string;
    maxHeldJobs: number;
    pollIntervalMs: number;
    retryLimit: number;
    retryDelaySeconds: number;
    retryBackoff: boolean;
    retryDelayMaxSeconds: number;
    expireSeconds: number;
    deadRetentionDays: number;
    poolMax: number;
    shutdownGraceMs: number;
  };
  shutdown: { graceMs: number; drainDelayMs: number };
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' };
  metrics: { enabled: boolean; port: number };
  database: {
    url: string;
    poolMax: number;
    connectionTimeoutMs: number;
    statementTimeoutMs: number;
    idleTimeoutMs: number;
    migrateOnStart: boolean;
    readyTimeoutMs: number;
    slowQueryMs: number;
    logQueries: boolean;
  };
  embeddedDb: { dataDir: string; port: number };
  tracing: {
    enabled: boolean;
    endpoint: string;
    tracesEndpoint: string;
    sampleRatio: number;
    serviceName: string;
    serviceVersion: string;
    exportTimeoutMs: number;
  };
  redis: { url: string; keyPrefix: string; commandTimeoutMs: number };
  payment: {
    gatewayUrl: string;
    attemptTimeoutMs: number;
    maxAttempts: number;
    maxRetryTimeMs: number;
    breakerResetMs: number;
    maxConcurrent: number;
    maxQueued: number;
    requestsPerSecond: number;
  };
  orders: { idempotencyTtlMs: number; recoverAfterMs: number; settleTimeoutMs: number };
  events: {
    natsUrl: string;
    workersEnabled: boolean;
    stream: string;
    subjectPrefix: string;
    streamMaxAgeMs: number;
    streamReplicas: number;
    duplicateWindowMs: number;
    relayBatchSize: number;
    relayIdlePollMs: number;
    outboxRetentionMs: number;
    maxDeliver: number;
    redeliveryBackoffMs: string;
    ackWaitMs: number;
  };
  diagnostics: { enabled: boolean; host: string; port: number; token: string };
  grpc: {
    enabled: boolean;
    host: string;
    port: number;
    tlsCertFile: string;
    tlsKeyFile: string;
    maxMessageBytes: number;
    maxConcurrentStreams: number;
    keepaliveMinPingIntervalMs: number;
    watchesPerUser: number;
    streamStallMs: number;
  };
  flags: { defaults: string; refreshIntervalMs: number; pausedRetryAfterSeconds: number };
  release: { header: string; choosableChannels: string; chooserRoles: string; promotionThresholdMinor: number; promotionBasisPoints: number };
  configFile: { path: string; watch: boolean; pollIntervalMs: number };
}

/** One scheduled task's settings. */
export interface ScheduleSettings {
  cron: string;
  timeoutMs: number;
  enabled: boolean;
}

/** Formats beyond convict's built-ins; registered once by `loadConfig`. */
/** The relay's default batch (the drain benchmark uses it too). */
export const DEFAULT_OUTBOX_RELAY_BATCH_SIZE = 500;

export const customFormats = {
  'postgres-url': {
    validate(value: unknown): void {
      if (value !== '' && (typeof value !== 'string' || !/^postgres(ql)?:\/\/.+/.test(value))) {
        throw new Error('must be empty (embedded PostgreSQL) or a postgres:// URL');
      }
    },
  },
  'redis-url': {
    validate(value: unknown): void {
      if (value !== '' && (typeof value !== 'string' || !/^rediss?:\/\/.+/.test(value))) {
        throw new Error('must be empty (no Redis) or a redis:// or rediss:// URL');
      }
    },
  },
  'nats-url': {
    validate(value: unknown): void {
      if (value === '') return;
      if (typeof value !== 'string' || !value.split(',').every((part) => /^(nats|tls):\/\/[^\s,]+$/.test(part.trim()))) {
        throw new Error('must be empty (in-process delivery) or nats:// URLs separated by commas');
      }
    },
  },
  'ms-list': {
    validate(value: unknown): void {
      if (typeof value !== 'string' || !/^\d{1,9}(,\d{1,9})*$/.test(value.replace(/\s/g, ''))) throw new Error('must be whole milliseconds separated by commas');
    },
  },
  'cursor-key': {
    validate(value: unknown): void {
      if (value !== '' && (typeof value !== 'string' || value.length < 32)) throw new Error('must be empty (a key kept in PostgreSQL) or at least 32 characters');
    },
  },
  'positive-int': {
    validate(value: unknown): void {
      if (!Number.isSafeInteger(value) || (value as number) < 1) throw new Error('must be a whole number of at least 1');
    },
    coerce: (value: string): number => Number(value),
  },
  ratio: {
    validate(value: unknown): void {
      if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new Error('must be a number from 0 to 1');
    },
    coerce: (value: string): number => Number(value),
  },
  cron: cronFormat,
};

/** Every setting: typed, documented, overridable from the environment. */
export const configSchema: Schema<AppConfig> = {
  env: {
    doc: 'Runtime environment.',
    format: ['production', 'development', 'test'],
    default: 'development',
    env: 'NODE_ENV',
  },
  http: {
    host: { doc: 'Interface the HTTP server binds to.', format: String, default: '0.0.0.0', env: 'HOST' },
    port: { doc: 'HTTP port (0 picks a free one).', format: 'port', default: 8080, env: 'PORT' },
    bodyLimitBytes: {
      doc: 'Largest accepted request body in bytes; larger ones get 413.',
      format: 'positive-int',
      default: 1024 * 1024,
      env: 'HTTP_BODY_LIMIT_BYTES',
    },
    requestBudgetMs: {
      doc: 'Deadline for the work of one request (queries and outbound calls are aborted after it).',
      format: 'positive-int',
      default: 10_000,
      env: 'HTTP_REQUEST_BUDGET_MS',
    },
    headersTimeoutMs: {
      doc: 'Time a client has to send the request headers.',
      format: 'positive-int',
      default: 10_000,
      env: 'HTTP_HEADERS_TIMEOUT_MS',
    },
    requestTimeoutMs: {
      doc: 'Time a client has to send the whole request.',
      format: 'positive-int',
      default: 30_000,
      env: 'HTTP_REQUEST_TIMEOUT_MS',
    },
    keepAliveTimeoutMs: {
      doc: 'Idle time after which a kept-alive connection is closed.',
      format: 'positive-int',
      default: 5_000,
      env: 'HTTP_KEEP_ALIVE_TIMEOUT_MS',
    },
    trustProxy: {
      doc: "Express 'trust proxy': false, true, a hop count, or comma-separated addresses/subnets of the proxies in front (client IPs for rate limits come from X-Forwarded-For only through them).",
      format: String,
      default: 'false',
      env: 'HTTP_TRUST_PROXY',
    },
    corsOrigins: {
      doc: 'Comma-separated origins allowed by CORS (e.g. https://app.example.com); empty allows none.',
      format: String,
      default: '',
      env: 'CORS_ORIGINS',
    },
    cursorSigningKey: {
      doc: 'Key (at least 32 characters) that signs pagination cursors, the same on every replica; empty uses a random key the first replica stores in PostgreSQL. Prefer CURSOR_SIGNING_KEY_FILE.',
      format: 'cursor-key',
      default: '',
      env: 'CURSOR_SIGNING_KEY',
      sensitive: true,
    },
  },
  auth: {
    sessionIdleTtlMs: {
      doc: 'A session ends after this long unused; each use extends it.',
      format: 'positive-int',
      default: 30 * 60_000,
      env: 'SESSION_IDLE_TTL_MS',
    },
    sessionAbsoluteTtlMs: {
      doc: 'A session ends this long after sign-in, however much it is used.',
      format: 'positive-int',
      default: 12 * 3_600_000,
      env: 'SESSION_ABSOLUTE_TTL_MS',
    },
    hashConcurrency: {
      doc: 'Most password hashes computed at once (CPU-bound, 20 MiB each). Unset: sized from the container (one per 10% of the memory limit, at most one per CPU; 1 without a limit).',
      format: 'positive-int',
      default: 2,
      env: 'PASSWORD_HASH_CONCURRENCY',
    },
    hashQueue: {
      doc: 'Most password hashes waiting for a slot; beyond it sign-ins get 503. Unset: 64 per hashing slot.',
      format: 'nat',
      default: 64,
      env: 'PASSWORD_HASH_QUEUE',
    },
    bootstrapAdminEmail: {
      doc: 'When set, every start makes sure this user exists as an admin with ADMIN_BOOTSTRAP_PASSWORD (creating or promoting it).',
      format: String,
      default: '',
      env: 'ADMIN_BOOTSTRAP_EMAIL',
    },
    bootstrapAdminPassword: {
      doc: 'Password of the bootstrap admin (prefer ADMIN_BOOTSTRAP_PASSWORD_FILE).',
      format: String,
      default: '',
      env: 'ADMIN_BOOTSTRAP_PASSWORD',
      sensitive: true,
    },
    signInFreeAttempts: {
      doc: 'Sign-in attempts in a row one account (known or not) may make before each further attempt makes it wait; counted across replicas (Redis, else PostgreSQL).',
      format: 'positive-int',
      default: 5,
      env: 'SIGN_IN_FREE_ATTEMPTS',
    },
    signInDelayBaseMs: {
      doc: 'The wait the first attempt past SIGN_IN_FREE_ATTEMPTS starts; each further one doubles it. Attempts during a wait get 429 and are not counted.',
      format: 'positive-int',
      default: 1_000,
      env: 'SIGN_IN_DELAY_BASE_MS',
    },
    signInDelayMaxMs: {
      doc: 'The longest wait between sign-in attempts on one account, however many failed: nobody can lock an account for longer.',
      format: 'positive-int',
      default: 5 * 60_000,
      env: 'SIGN_IN_DELAY_MAX_MS',
    },
    signInForgetAfterMs: {
      doc: 'An account whose last wait ended this long ago without another attempt starts over with its free attempts.',
      format: 'positive-int',
      default: 15 * 60_000,
      env: 'SIGN_IN_FORGET_AFTER_MS',
    },
    passwordResetTtlMs: {
      doc: 'How long a password reset token an admin issued stays redeemable.',
      format: 'positive-int',
      default: 24 * 3_600_000,
      env: 'PASSWORD_RESET_TTL_MS',
    },
  },
  rateLimit: {
    windowMs: { doc: 'Length of a rate-limit window.', format: 'positive-int', default: 60_000, env: 'RATE_LIMIT_WINDOW_MS' },
    authPerWindow: {
      doc: 'Sign-in and registration attempts per client address per window.',
      format: 'positive-int',
      default: 10,
      env: 'RATE_LIMIT_AUTH_PER_WINDOW',
    },
    apiPerWindow: {
      doc: 'API requests per caller (user, else client address) per window.',
      format: 'positive-int',
      default: 6_000,
      env: 'RATE_LIMIT_API_PER_WINDOW',
    },
    apiSyncIntervalMs: {
      doc: 'With Redis: how often each replica sends the API hits it counted to Redis; a caller within 20% of the limit is counted in Redis on every request. 0 counts every request in Redis.',
      format: 'nat',
      default: 100,
      env: 'RATE_LIMIT_SYNC_INTERVAL_MS',
    },
  },
  cache: {
    ttlMs: { doc: 'How long a cached entity stays fresh in Redis.', format: 'positive-int', default: 60_000, env: 'CACHE_TTL_MS' },
    localTtlMs: {
      doc: 'How long an entity stays in the in-process cache; bounds staleness when invalidations are lost.',
      format: 'positive-int',
      default: 1_000,
      env: 'CACHE_LOCAL_TTL_MS',
    },
    localMaxEntries: { doc: 'Most entries in the in-process cache.', format: 'positive-int', default: 10_000, env: 'CACHE_LOCAL_MAX_ENTRIES' },
    negativeTtlMs: { doc: 'How long "not found" is cached.', format: 'positive-int', default: 5_000, env: 'CACHE_NEGATIVE_TTL_MS' },
    staleWindowMs: {
      doc: 'How long past freshness a value may still be served when the database fails.',
      format: 'nat',
      default: 300_000,
      env: 'CACHE_STALE_WINDOW_MS',
    },
  },
  payment: {
    gatewayUrl: {
      doc: 'Base URL of the payment gateway; empty starts the sandbox gateway beside the service (embedded mode).',
      format: String,
      default: '',
      env: 'PAYMENT_GATEWAY_URL',
    },
    attemptTimeoutMs: { doc: 'Timeout of one call to the gateway.', format: 'positive-int', default: 2_000, env: 'PAYMENT_ATTEMPT_TIMEOUT_MS' },
    maxAttempts: { doc: 'Attempts per gateway call, retries included (retryable failures only).', format: 'positive-int', default: 3, env: 'PAYMENT_MAX_ATTEMPTS' },
    maxRetryTimeMs: { doc: 'Total time a gateway call may take with its retries.', format: 'positive-int', default: 5_000, env: 'PAYMENT_MAX_RETRY_TIME_MS' },
    breakerResetMs: { doc: 'How long the circuit stays open before a probe.', format: 'positive-int', default: 5_000, env: 'PAYMENT_BREAKER_RESET_MS' },
    maxConcurrent: { doc: 'Most gateway calls in flight (bulkhead). Settling calls (void, refund, lookups) have a share of their own besides: a quarter of this (at least 2) in flight, twice PAYMENT_MAX_QUEUED waiting, so undoing never queues behind new authorizations. Unset: 16 per CPU of the container\'s CPU limit (8 to 64), 32 without one.', format: 'positive-int', default: 32, env: 'PAYMENT_MAX_CONCURRENT' },
    maxQueued: { doc: 'Most gateway calls waiting for a slot; beyond it calls fail at once. Unset: twice PAYMENT_MAX_CONCURRENT under a CPU limit, 64 without one.', format: 'nat', default: 64, env: 'PAYMENT_MAX_QUEUED' },
    requestsPerSecond: {
      doc: 'Rate limit towards the gateway (shared by all replicas through Redis when configured).',
      format: 'positive-int',
      default: 200,
      env: 'PAYMENT_REQUESTS_PER_SECOND',
    },
  },
  orders: {
    idempotencyTtlMs: {
      doc: 'How long an Idempotency-Key of POST /v1/orders is remembered.',
      format: 'positive-int',
      default: 24 * 3_600_000,
      env: 'ORDER_IDEMPOTENCY_TTL_MS',
    },
    recoverAfterMs: {
      doc: 'An order still pending after this long is resolved by the recovery routine, and a retry finding its Idempotency-Key still in progress is answered from the order. Must be at least HTTP_REQUEST_BUDGET_MS + ORDER_SETTLE_TIMEOUT_MS.',
      format: 'positive-int',
      default: 30_000,
      env: 'ORDER_RECOVER_AFTER_MS',
    },
    settleTimeoutMs: {
      doc: 'Budget for settling an order once its request is over (undoing, voiding, saving the final status), whatever the client does.',
      format: 'positive-int',
      default: 10_000,
      env: 'ORDER_SETTLE_TIMEOUT_MS',
    },
  },
  schedules: {
    recoverPendingOrders: scheduleSchema('RECOVER_PENDING_ORDERS', 'settling orders left pending (also run once at start)', {
      cron: '*/5 * * * * *',
      timeoutMs: 60_000,
    }),
    purgeIdempotencyKeys: scheduleSchema('PURGE_IDEMPOTENCY_KEYS', 'deleting expired Idempotency-Key records', { cron: '*/10 * * * *', timeoutMs: 120_000 }),
    purgeSessions: scheduleSchema('PURGE_SESSIONS', 'deleting expired sessions from PostgreSQL (sessions kept only in Redis expire by themselves)', {
      cron: '5-59/10 * * * *',
      timeoutMs: 120_000,
    }),
    purgeSignInAttempts: scheduleSchema('PURGE_SIGN_IN_ATTEMPTS', 'deleting forgotten per-account sign-in counts from PostgreSQL', { cron: '7-59/10 * * * *', timeoutMs: 120_000 }),
    purgeOutbox: scheduleSchema('PURGE_OUTBOX', 'deleting published outbox rows older than OUTBOX_RETENTION_MS', { cron: '15-59/10 * * * *', timeoutMs: 120_000 }),
    purgeBatchSize: {
      doc: 'Rows deleted per statement by the purge schedules (they repeat until a batch comes back short or the timeout).',
      format: 'positive-int',
      default: 1_000,
      env: 'SCHEDULE_PURGE_BATCH_SIZE',
    },
  },
  flags: {
    defaults: {
      doc: 'Feature flag defaults as JSON, applied while no setting is stored: {"<key>": {"enabled": bool, "rollout_percent": null | 0-100}}. Keys must be known flags (GET /v1/admin/flags lists them).',
      format: String,
      default: '{}',
      env: 'FLAGS_DEFAULTS',
    },
    refreshIntervalMs: {
      doc: 'Every replica re-reads all flags this often, a net under the change notifications (which apply within about a second).',
      format: 'positive-int',
      default: 30_000,
      env: 'FLAGS_REFRESH_INTERVAL_MS',
    },
    pausedRetryAfterSeconds: {
      doc: 'Retry-After of the 503 answered while a kill switch refuses new orders.',
      format: 'positive-int',
      default: 30,
      env: 'FLAGS_PAUSED_RETRY_AFTER_SECONDS',
    },
  },
  release: {
    header: {
      doc: 'Request header naming the release channel a caller asks for; the response carries the channel that served under the same name.',
      format: String,
      default: 'X-Release-Channel',
      env: 'RELEASE_CHANNEL_HEADER',
    },
    choosableChannels: {
      doc: 'Comma-separated channels (stable, canary) a caller may ask for by header; other values are ignored.',
      format: String,
      default: 'stable,canary',
      env: 'RELEASE_CHANNEL_VALUES',
    },
    chooserRoles: {
      doc: 'Comma-separated roles (admin, customer) whose callers may choose the channel by header; empty: nobody. Others are routed by the release.canary rollout.',
      format: String,
      default: 'admin',
      env: 'RELEASE_CHANNEL_CHOOSER_ROLES',
    },
    promotionThresholdMinor: {
      doc: 'Canary pricing: orders whose total reaches this many minor units get the promotion.',
      format: 'positive-int',
      default: 10_000,
      env: 'CANARY_PROMOTION_THRESHOLD_MINOR',
    },
    promotionBasisPoints: {
      doc: 'Canary pricing: the discount in hundredths of a percent (1000 = 10 %), rounded half up to a minor unit.',
      format: 'positive-int',
      default: 1_000,
      env: 'CANARY_PROMOTION_BASIS_POINTS',
    },
  },
  activity: {
    heartbeatMs: {
      doc: 'Interval of the heartbeat comment lines on an idle activity stream; a client whose socket has not drained for two intervals is cut off.',
      format: 'positive-int',
      default: 15_000,
      env: 'ACTIVITY_HEARTBEAT_MS',
    },
    bufferEvents: {
      doc: 'Events an activity stream may have waiting while its client does not read; one more cuts the client off (it can resume with Last-Event-ID).',
      format: 'positive-int',
      default: 500,
      env: 'ACTIVITY_BUFFER_EVENTS',
    },
    maxSubscribers: {
      doc: 'Most activity streams one instance serves at once; beyond it new streams get 503.',
      format: 'positive-int',
      default: 1_000,
      env: 'ACTIVITY_MAX_SUBSCRIBERS',
    },
    maxStreamsPerUser: {
      doc: 'Most activity streams one signed-in user may hold open on one instance; beyond it new streams get 429, so one account cannot take the slots of everyone else.',
      format: 'positive-int',
      default: 5,
      env: 'ACTIVITY_MAX_STREAMS_PER_USER',
    },
  },
  jobs: {
    enabled: {
      doc: 'Run job workers in this process; enqueueing works either way (a replica may serve the API only).',
      format: Boolean,
      default: true,
      env: 'JOBS_ENABLED',
    },
    concurrency: { doc: 'Jobs of one queue run at once in this process, unless JOBS_QUEUE_CONCURRENCY says otherwise.', format: 'positive-int', default: 2, env: 'JOBS_CONCURRENCY' },
    queueConcurrency: {
      doc: 'Per-queue concurrency caps (bulkheads), comma-separated queue=n pairs, e.g. order-confirmation=4.',
      format: String,
      default: '',
      env: 'JOBS_QUEUE_CONCURRENCY',
    },
    batchSize: { doc: 'Jobs one worker fetches and holds at a time, unless JOBS_QUEUE_BATCH_SIZE says otherwise.', format: 'positive-int', default: 1, env: 'JOBS_BATCH_SIZE' },
    queueBatchSize: {
      doc: 'Per-queue batch sizes, comma-separated queue=n pairs: a worker fetches and settles up to n jobs of the queue with one statement each. Order confirmations (one per paid order) come in batches by default.',
      format: String,
      default: 'order-confirmation=8',
      env: 'JOBS_QUEUE_BATCH_SIZE',
    },
    maxHeldJobs: {
      doc: 'Most jobs this process holds at once over all queues (concurrency x batch size, summed); a larger setting is refused at start.',
      format: 'positive-int',
      default: 32,
      env: 'JOBS_MAX_HELD',
    },
    pollIntervalMs: { doc: 'How often an idle worker looks for jobs (at least 500).', format: 'positive-int', default: 2_000, env: 'JOBS_POLL_INTERVAL_MS' },
    retryLimit: { doc: 'Retries of a failed job before it goes to the dead letters (a job type may set its own).', format: 'nat', default: 5, env: 'JOBS_RETRY_LIMIT' },
    retryDelaySeconds: { doc: 'Delay before the first retry, in whole seconds.', format: 'nat', default: 5, env: 'JOBS_RETRY_DELAY_SECONDS' },
    retryBackoff: { doc: 'Double the retry delay after each failure (exponential backoff with jitter).', format: Boolean, default: true, env: 'JOBS_RETRY_BACKOFF' },
    retryDelayMaxSeconds: { doc: 'Longest delay between retries, in whole seconds.', format: 'positive-int', default: 600, env: 'JOBS_RETRY_DELAY_MAX_SECONDS' },
    expireSeconds: {
      doc: 'A job running longer than this counts as failed and is retried (a worker that died holding it).',
      format: 'positive-int',
      default: 900,
      env: 'JOBS_EXPIRE_SECONDS',
    },
    deadRetentionDays: { doc: 'How long a dead job stays in the dead letters.', format: 'positive-int', default: 14, env: 'JOBS_DEAD_RETENTION_DAYS' },
    poolMax: { doc: 'Connections of the job queue pool (separate from the request pool).', format: 'positive-int', default: 4, env: 'JOBS_POOL_MAX' },
    shutdownGraceMs: {
      doc: 'On shutdown, time the jobs in hand get to finish; unfinished ones are retried later.',
      format: 'positive-int',
      default: 10_000,
      env: 'JOBS_SHUTDOWN_GRACE_MS',
    },
  },
  diagnostics: {
    enabled: {
      doc: 'Start the diagnostics listener (heap snapshots, CPU profiles, event-loop delay, handles, route table, /health/status); an operator tool beside the API.',
      format: Boolean,
      default: true,
      env: 'DIAGNOSTICS_ENABLED',
    },
    host: {
      doc: 'Interface the diagnostics listener binds to. Any address other than loopback requires DIAGNOSTICS_TOKEN (the service refuses to start without it).',
      format: String,
      default: '127.0.0.1',
      env: 'DIAGNOSTICS_HOST',
    },
    port: { doc: 'Port of the diagnostics listener (0 picks a free one).', format: 'port', default: 6060, env: 'DIAGNOSTICS_PORT' },
    token: {
      doc: 'Bearer token every diagnostics request must carry (`Authorization: Bearer <token>`); required when DIAGNOSTICS_HOST is not loopback. Prefer DIAGNOSTICS_TOKEN_FILE.',
      format: String,
      default: '',
      env: 'DIAGNOSTICS_TOKEN',
      sensitive: true,
    },
  },
  grpc: {
    enabled: {
      doc: 'Serve the gRPC API (api/proto) beside REST, on its own port.',
      format: Boolean,
      default: true,
      env: 'GRPC_ENABLED',
    },
    host: { doc: 'Interface the gRPC server binds to.', format: String, default: '0.0.0.0', env: 'GRPC_HOST' },
    port: { doc: 'gRPC port (HTTP/2; cleartext unless a certificate is set; 0 picks a free one).', format: 'port', default: 9090, env: 'GRPC_PORT' },
    tlsCertFile: {
      doc: 'PEM certificate chain for gRPC over TLS; with GRPC_TLS_KEY_FILE. Empty serves cleartext HTTP/2 (h2c), e.g. behind a mesh.',
      format: String,
      default: '',
      env: 'GRPC_TLS_CERT_FILE',
    },
    tlsKeyFile: { doc: 'PEM private key of GRPC_TLS_CERT_FILE.', format: String, default: '', env: 'GRPC_TLS_KEY_FILE', sensitive: true },
    maxMessageBytes: {
      doc: 'Largest gRPC message accepted or sent, in bytes; larger ones fail with RESOURCE_EXHAUSTED.',
      format: 'positive-int',
      default: 1024 * 1024,
      env: 'GRPC_MAX_MESSAGE_BYTES',
    },
    maxConcurrentStreams: {
      doc: 'Concurrent calls (HTTP/2 streams) one connection may hold open.',
      format: 'positive-int',
      default: 100,
      env: 'GRPC_MAX_CONCURRENT_STREAMS',
    },
    keepaliveMinPingIntervalMs: {
      doc: 'Clients pinging more often than this are told GOAWAY (too_many_pings), keepalive enforcement.',
      format: 'positive-int',
      default: 10_000,
      env: 'GRPC_KEEPALIVE_MIN_PING_INTERVAL_MS',
    },
    watchesPerUser: {
      doc: 'Open WatchUserActivity streams one caller may hold on an instance; more answer RESOURCE_EXHAUSTED.',
      format: 'positive-int',
      default: 5,
      env: 'GRPC_WATCHES_PER_USER',
    },
    streamStallMs: {
      doc: 'A server stream whose client has taken none of its messages for this long (HTTP/2 flow control closed) is reset with ENHANCE_YOUR_CALM, which clients report as RESOURCE_EXHAUSTED.',
      format: 'positive-int',
      default: 10_000,
      env: 'GRPC_STREAM_STALL_MS',
    },
  },
  shutdown: {
    graceMs: {
      doc: 'Time in-flight requests get to finish after SIGTERM/SIGINT before connections are cut.',
      format: 'positive-int',
      default: 10_000,
      env: 'SHUTDOWN_GRACE_MS',
    },
    drainDelayMs: {
      doc: 'Time between readiness turning 503 and the listener closing, so load balancers notice first.',
      format: 'nat',
      default: 0,
      env: 'SHUTDOWN_DRAIN_DELAY_MS',
    },
  },
  configFile: {
    path: {
      doc: 'A file of settings (NAME=value lines, the names of this table) read over the environment at start and again on SIGHUP or when it changes; settings safe to change live apply at once, the others are reported as needing a restart. Empty: none.',
      format: String,
      default: '',
      env: 'CONFIG_FILE',
    },
    watch: {
      doc: 'Reload when CONFIG_FILE changes (its folder is watched, so a Kubernetes ConfigMap swap is seen); SIGHUP reloads either way.',
      format: Boolean,
      default: true,
      env: 'CONFIG_FILE_WATCH',
    },
    pollIntervalMs: {
      doc: 'While watching CONFIG_FILE, also compare its content this often, for filesystems whose change events get lost; 0 turns the net off.',
      format: 'nat',
      default: 10_000,
      env: 'CONFIG_FILE_POLL_MS',
    },
  },
  log: {
    level: {
      doc: 'Minimum log level.',
      format: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: 'info',
      env: 'LOG_LEVEL',
    },
  },
  metrics: {
    enabled: { doc: 'Serve Prometheus metrics at GET /metrics.', format: Boolean, default: true, env: 'METRICS_ENABLED' },
    port: {
      doc: 'Port of a listener of their own for the metrics (on HOST); 0 serves them on the main port.',
      format: 'port',
      default: 0,
      env: 'METRICS_PORT',
    },
  },
  database: {
    url: {
      doc: 'PostgreSQL connection URL; empty starts an embedded PostgreSQL.',
      format: 'postgres-url',
      default: '',
      env: 'DATABASE_URL',
      sensitive: true,
    },
    poolMax: { doc: 'Most connections in the pool. Unset: 4 per CPU of the container\'s CPU limit (4 to 20), 10 without one.', format: 'positive-int', default: 10, env: 'DB_POOL_MAX' },
    connectionTimeoutMs: {
      doc: 'Time to wait for a pooled connection before failing.',
      format: 'positive-int',
      default: 5_000,
      env: 'DB_CONNECTION_TIMEOUT_MS',
    },
    statementTimeoutMs: {
      doc: 'Server-side limit on one SQL statement.',
      format: 'positive-int',
      default: 5_000,
      env: 'DB_STATEMENT_TIMEOUT_MS',
    },
    idleTimeoutMs: {
      doc: 'Idle time after which a pooled connection is closed.',
      format: 'positive-int',
      default: 30_000,
      env: 'DB_IDLE_TIMEOUT_MS',
    },
    migrateOnStart: {
      doc: 'Apply pending migrations at start (always done with the embedded database).',
      format: Boolean,
      default: false,
      env: 'DB_MIGRATE_ON_START',
    },
    readyTimeoutMs: {
      doc: 'How long /readyz waits for PostgreSQL to answer.',
      format: 'positive-int',
      default: 1_000,
      env: 'DB_READY_TIMEOUT_MS',
    },
    slowQueryMs: {
      doc: 'SQL statements that take longer are logged at warn with their name, duration and text (never the parameters); 0 turns the slow-query log off.',
      format: 'nat',
      default: 200,
      env: 'DB_SLOW_QUERY_MS',
    },
    logQueries: {
      doc: 'Log every SQL statement (name, duration, text without parameters) at debug; needs LOG_LEVEL=debug to show.',
      format: Boolean,
      default: false,
      env: 'DB_LOG_QUERIES',
    },
  },
  embeddedDb: {
    dataDir: {
      doc: 'Data folder of the embedded PostgreSQL (kept across restarts).',
      format: String,
      default: 'data/postgres',
      env: 'EMBEDDED_PG_DATA_DIR',
    },
    port: { doc: 'Port of the embedded PostgreSQL.', format: 'port', default: 54329, env: 'EMBEDDED_PG_PORT' },
  },
  events: {
    natsUrl: {
      doc: 'NATS server(s) with JetStream for the integration events (comma-separated nats:// URLs); empty delivers them to the in-process consumers only.',
      format: 'nats-url',
      default: '',
      env: 'NATS_URL',
      sensitive: true,
    },
    workersEnabled: {
      doc: 'Whether this replica relays the outbox and runs the event consumers (one replica relays at a time anyway). Off, it still writes events to the outbox.',
      format: Boolean,
      default: true,
      env: 'EVENTS_WORKERS_ENABLED',
    },
    stream: { doc: 'The JetStream stream of the integration events (created or updated at start).', format: String, default: 'ORDERSVC_EVENTS', env: 'NATS_STREAM' },
    subjectPrefix: {
      doc: 'Put before every subject (`<prefix>ordersvc.order.paid`), so several environments can share one NATS; empty in production.',
      format: String,
      default: '',
      env: 'NATS_SUBJECT_PREFIX',
    },
    streamMaxAgeMs: { doc: 'How long the stream keeps events.', format: 'positive-int', default: 7 * 24 * 3_600_000, env: 'NATS_STREAM_MAX_AGE_MS' },
    streamReplicas: { doc: 'Replicas of the stream in a NATS cluster (1 on a single server).', format: 'positive-int', default: 1, env: 'NATS_STREAM_REPLICAS' },
    duplicateWindowMs: {
      doc: 'The stream drops an event id published again within this window (the relay republishes after a crash mid-batch).',
      format: 'positive-int',
      default: 10 * 60_000,
      env: 'NATS_DUPLICATE_WINDOW_MS',
    },
    relayBatchSize: { doc: 'Outbox rows the relay publishes per transaction (pipelined, each aggregate in order).', format: 'positive-int', default: DEFAULT_OUTBOX_RELAY_BATCH_SIZE, env: 'OUTBOX_RELAY_BATCH_SIZE' },
    relayIdlePollMs: {
      doc: 'How often an idle relay looks at the outbox when no commit notification woke it (the net under LISTEN/NOTIFY).',
      format: 'positive-int',
      default: 1_000,
      env: 'OUTBOX_RELAY_IDLE_POLL_MS',
    },
    outboxRetentionMs: { doc: 'How long published outbox rows are kept (for replay) before the purge schedule deletes them.', format: 'positive-int', default: 3 * 24 * 3_600_000, env: 'OUTBOX_RETENTION_MS' },
    maxDeliver: { doc: 'Deliveries of one event to a consumer before it goes to the dead-letter subject.', format: 'positive-int', default: 5, env: 'EVENTS_MAX_DELIVER' },
    redeliveryBackoffMs: {
      doc: 'Waits before the 1st, 2nd, … redelivery to a failing consumer (comma-separated milliseconds; the last repeats).',
      format: 'ms-list',
      default: '1000,5000,30000,120000',
      env: 'EVENTS_REDELIVERY_BACKOFF_MS',
    },
    ackWaitMs: { doc: 'How long a consumer may work on one event before JetStream redelivers it.', format: 'positive-int', default: 30_000, env: 'EVENTS_ACK_WAIT_MS' },
  },
  redis: {
    url: {
      doc: 'Redis connection URL; empty uses in-process adapters.',
      format: 'redis-url',
      default: '',
      env: 'REDIS_URL',
      sensitive: true,
    },
    keyPrefix: { doc: 'Prefix of every Redis key and channel this service uses.', format: String, default: 'ordersvc:', env: 'REDIS_KEY_PREFIX' },
    commandTimeoutMs: {
      doc: 'A Redis command that takes longer fails (and the caller degrades) instead of waiting.',
      format: 'positive-int',
      default: 500,
      env: 'REDIS_COMMAND_TIMEOUT_MS',
    },
  },
  tracing: {
    enabled: {
      doc: 'Record OpenTelemetry spans (HTTP requests, use-cases, SQL, Redis, payment calls, jobs) and export them over OTLP/HTTP. Off: no spans, and the trace id in logs comes from traceparent / X-Request-Id.',
      format: Boolean,
      default: false,
      env: 'TRACING_ENABLED',
    },
    endpoint: {
      doc: 'Base URL of the OTLP/HTTP collector; spans are sent to its path /v1/traces.',
      format: String,
      default: 'http://localhost:4318',
      env: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    },
    tracesEndpoint: {
      doc: 'Full URL spans are sent to; overrides OTEL_EXPORTER_OTLP_ENDPOINT when set.',
      format: String,
      default: '',
      env: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    },
    sampleRatio: {
      doc: 'Share of new traces recorded (0 to 1); a request that comes with a traceparent follows the sampling decision of its caller.',
      format: 'ratio',
      default: 1,
      env: 'TRACING_SAMPLE_RATIO',
    },
    serviceName: { doc: 'service.name of the exported spans.', format: String, default: 'ordersvc', env: 'OTEL_SERVICE_NAME' },
    serviceVersion: {
      doc: 'service.version of the exported spans; empty takes the version in package.json.',
      format: String,
      default: '',
      env: 'TRACING_SERVICE_VERSION',
    },
    exportTimeoutMs: {
      doc: 'Time one export to the collector may take; also bounds the final flush at shutdown.',
      format: 'positive-int',
      default: 5_000,
      env: 'TRACING_EXPORT_TIMEOUT_MS',
    },
  },
};

/** The three settings of one schedule, under SCHEDULE_<NAME>_{CRON,TIMEOUT_MS,ENABLED}. */
function scheduleSchema(name: string, what: string, defaults: { cron: string; timeoutMs: number }): Schema<ScheduleSettings> {
  return {
    cron: {
      doc: `When the schedule for ${what} is due: a cron expression in UTC, 5 fields (minute first) or 6 (second first). One replica runs each due time; a due time that finds the last run still going is skipped.`,
      format: 'cron',
      default: defaults.cron,
      env: `SCHEDULE_${name}_CRON`,
    },
    timeoutMs: {
      doc: `Time a run of ${what} gets before its signal aborts and it is recorded as timed out.`,
      format: 'positive-int',
      default: defaults.timeoutMs,
      env: `SCHEDULE_${name}_TIMEOUT_MS`,
    },
    enabled: { doc: `Whether the schedule for ${what} runs on this replica.`, format: Boolean, default: true, env: `SCHEDULE_${name}_ENABLED` },
  };
}
