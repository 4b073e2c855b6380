import type { ContainerLimits } from './container-limits.ts';

/** The settings sized from the container unless their variable is set. */
export interface SizedSettings {
  readonly hashConcurrency: number;
  readonly hashQueue: number;
  readonly dbPoolMax: number;
  readonly paymentMaxConcurrent: number;
  readonly paymentMaxQueued: number;
}

export const SIZED_VARIABLES: Readonly<Record<keyof SizedSettings, string>> = {
  hashConcurrency: 'PASSWORD_HASH_CONCURRENCY',
  hashQueue: 'PASSWORD_HASH_QUEUE',
  dbPoolMax: 'DB_POOL_MAX',
  paymentMaxConcurrent: 'PAYMENT_MAX_CONCURRENT',
  paymentMaxQueued: 'PAYMENT_MAX_QUEUED',
};

export interface SizingChoice {
  readonly setting: string;
  readonly value: number;
  /** 'explicit' (its variable is set), 'container' (derived from a limit), 'default' (no limit to go by). */
  readonly source: 'explicit' | 'container' | 'default';
  readonly why: string;
}

/** What was chosen at start and why (start log and `/health/status`). */
export interface SizingReport {
  readonly cgroup: ContainerLimits['cgroup'];
  readonly memory_limit_bytes: number | null;
  readonly cpu_limit: number | null;
  /** The CPUs sizing goes by: the CPU limit, else the cores this process may run on. */
  readonly cpus: number;
  readonly heap: {
    readonly limit_bytes: number;
    /** `--max-old-space-size` that fits the memory limit; null without a limit. */
    readonly advised_max_old_space_mb: number | null;
    readonly advice: string;
  };
  readonly choices: readonly SizingChoice[];
}

export interface SizingInputs {
  readonly limits: ContainerLimits;
  /** The values the configuration holds now (defaults or explicit). */
  readonly current: SizedSettings;
  /** Settings whose variable is set: never changed. */
  readonly explicit: ReadonlySet<keyof SizedSettings>;
  /** V8's heap limit (v8.getHeapStatistics().heap_size_limit). */
  readonly heapLimitBytes: number;
  /** os.availableParallelism(). */
  readonly cores: number;
}

const MiB = 1024 * 1024;
// OWASP's argon2id parameters take 19 MiB per hash; with the native side's buffers, about 20.
export const HASH_BYTES = 20 * MiB;
// The share of the memory limit the password hashes in flight may hold.
const HASH_MEMORY_SHARE = 0.1;
// Waiting hashes cost little memory but add latency: 64 per hashing slot keeps the wait near a
// second at ~15 ms per hash, under clients' timeouts; beyond it sign-ins get 503 at once.
const QUEUE_PER_HASH_SLOT = 64;
// The old space the heap may take: 40% of the limit, the rest for the node binary and code
// (~60 MB), new space, buffers and the hashes (docs/benchmarks.md, "Memory").
const OLD_SPACE_SHARE = 0.4;

/**
 * Sizes the concurrency settings from the container's limits, leaving every explicitly set
 * one alone. Memory decides the password hashes in flight (each holds 20 MiB: a login flood
 * must not push the process over its limit); CPUs decide the database pool and the payment
 * bulkhead (I/O-bound, a few per CPU). Without a limit to go by, the pool and bulkhead keep
 * their defaults and the hashes run one at a time: the smallest footprint, since nothing says
 * how much memory the process may take (set PASSWORD_HASH_CONCURRENCY on a large host).
 */
export function sizeFromContainer(inputs: SizingInputs): { readonly settings: SizedSettings; readonly report: SizingReport } {
  const { limits, current, explicit, heapLimitBytes, cores } = inputs;
  const cpus = limits.cpus ?? cores;
  const slotsByCpu = Math.max(1, Math.floor(cpus));
  const choices: SizingChoice[] = [];
  const choose = (key: keyof SizedSettings, derived: { value: number; source: 'container' | 'default'; why: string }): number => {
    const choice = explicit.has(key)
      ? { setting: SIZED_VARIABLES[key], value: current[key], source: 'explicit' as const, why: `${SIZED_VARIABLES[key]} is set` }
      : { setting: SIZED_VARIABLES[key], ...derived };
    choices.push(choice);
    return choice.value;
  };

  const memory = limits.memoryBytes;
  const hashSlotsByMemory = memory === undefined ? undefined : Math.max(1, Math.floor((memory * HASH_MEMORY_SHARE) / HASH_BYTES));
  const hashConcurrency = choose(
    'hashConcurrency',
    hashSlotsByMemory === undefined
      ? { value: 1, source: 'default', why: 'no memory limit to go by: one 20 MiB argon2id hash at a time, the smallest footprint' }
      : {
          value: Math.min(hashSlotsByMemory, slotsByCpu),
          source: 'container',
          why: `10% of the ${mib(memory!)} MiB memory limit holds ${hashSlotsByMemory} argon2id hashes of 20 MiB; at most one per CPU (${slotsByCpu})`,
        },
  );
  const hashQueue = choose('hashQueue', {
    value: hashConcurrency * QUEUE_PER_HASH_SLOT,
    source: hashSlotsByMemory === undefined ? 'default' : 'container',
    why: `${QUEUE_PER_HASH_SLOT} waiting per hashing slot (about a second of waiting), then 503`,
  });
  const withCpuLimit = limits.cpus !== undefined;
  const dbPoolMax = choose(
    'dbPoolMax',
    withCpuLimit
      ? { value: clamp(Math.ceil(cpus * 4), 4, 20), source: 'container', why: `4 connections per CPU of the ${round(cpus)} CPU limit, between 4 and 20` }
      : { value: current.dbPoolMax, source: 'default', why: 'no CPU limit: the default' },
  );
  const paymentMaxConcurrent = choose(
    'paymentMaxConcurrent',
    withCpuLimit
      ? { value: clamp(Math.ceil(cpus * 16), 8, 64), source: 'container', why: `16 gateway calls in flight per CPU of the ${round(cpus)} CPU limit, between 8 and 64` }
      : { value: current.paymentMaxConcurrent, source: 'default', why: 'no CPU limit: the default' },
  );
  const paymentMaxQueued = choose(
    'paymentMaxQueued',
    withCpuLimit
      ? { value: paymentMaxConcurrent * 2, source: 'container', why: 'twice the calls in flight' }
      : { value: current.paymentMaxQueued, source: 'default', why: 'no CPU limit: the default' },
  );

  const advised = memory === undefined ? null : Math.max(64, Math.floor(mib(memory) * OLD_SPACE_SHARE));
  const advice =
    memory === undefined
      ? 'no memory limit: V8 chooses its heap limit'
      : heapLimitBytes > memory * 0.75
        ? `the heap limit (${mib(heapLimitBytes)} MiB) leaves too little of the ${mib(memory)} MiB memory limit: the kernel would kill the process before V8 collects; run with NODE_OPTIONS=--max-old-space-size=${advised}`
        : `the heap limit (${mib(heapLimitBytes)} MiB) fits the ${mib(memory)} MiB memory limit (advised old space: ${advised} MiB)`;

  return {
    settings: { hashConcurrency, hashQueue, dbPoolMax, paymentMaxConcurrent, paymentMaxQueued },
    report: {
      cgroup: limits.cgroup,
      memory_limit_bytes: memory ?? null,
      cpu_limit: limits.cpus ?? null,
      cpus: round(cpus),
      heap: { limit_bytes: heapLimitBytes, advised_max_old_space_mb: advised, advice },
      choices,
    },
  };
}

function mib(bytes: number): number {
  return Math.round(bytes / MiB);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
