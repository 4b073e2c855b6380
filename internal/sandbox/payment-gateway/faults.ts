/** The fault configuration as `PUT /admin/faults` takes it and `GET /admin/faults` shows it. */
export interface FaultConfig {
  readonly latency_ms?: { readonly min: number; readonly max: number };
  readonly error_rate?: number;
  readonly hang_rate?: number;
  readonly reset_rate?: number;
  readonly rate_limit_rate?: number;
  readonly retry_after_s?: number;
  readonly fail_next?: number;
  readonly fail_after_commit_next?: number;
  readonly scope?: FaultScope;
}

export type FaultScope = 'all' | 'authorize';

/** What to do with one API request, decided when it arrives. */
export interface FaultPlan {
  readonly latencyMs: number;
  readonly action:
    | { readonly kind: 'none' | 'unavailable' | 'hang' | 'reset' }
    | { readonly kind: 'rate_limited'; readonly retryAfterS: number };
}

export type ParsedFaultConfig = { readonly ok: true; readonly config: FaultConfig } | { readonly ok: false; readonly message: string };

const MAX_LATENCY_MS = 3_600_000;
const RATE_KEYS = ['hang_rate', 'reset_rate', 'rate_limit_rate', 'error_rate'] as const;
const COUNT_KEYS = ['retry_after_s', 'fail_next', 'fail_after_commit_next'] as const;
const KNOWN_KEYS = new Set<string>(['latency_ms', 'scope', ...RATE_KEYS, ...COUNT_KEYS]);

/** Validates a whole fault configuration; unknown keys are rejected so a typo never passes silently. */
export function parseFaultConfig(input: unknown): ParsedFaultConfig {
  if (!isRecord(input)) return invalid('the fault configuration must be a JSON object');
  const unknownKey = Object.keys(input).find((key) => !KNOWN_KEYS.has(key));
  if (unknownKey !== undefined) return invalid(`unknown fault option "${unknownKey}"`);

  const latency = input.latency_ms;
  if (latency !== undefined) {
    if (!isRecord(latency) || !isIntegerIn(latency.min, 0, MAX_LATENCY_MS) || !isIntegerIn(latency.max, 0, MAX_LATENCY_MS)) {
      return invalid(`latency_ms must be { min, max } with integers from 0 to ${MAX_LATENCY_MS}`);
    }
    if (latency.min > latency.max) return invalid('latency_ms.min must not exceed latency_ms.max');
  }
  let rateSum = 0;
  for (const key of RATE_KEYS) {
    const rate = input[key];
    if (rate === undefined) continue;
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) return invalid(`${key} must be a number from 0 to 1`);
    rateSum += rate;
  }
  // One roll decides among them, so each rate is exactly the share it names.
  if (rateSum > 1 + 1e-9) return invalid(`${RATE_KEYS.join(' + ')} must not exceed 1`);
  for (const key of COUNT_KEYS) {
    if (input[key] !== undefined && !isIntegerIn(input[key], 0, Number.MAX_SAFE_INTEGER)) return invalid(`${key} must be an integer >= 0`);
  }
  if (input.scope !== undefined && input.scope !== 'all' && input.scope !== 'authorize') {
    return invalid('scope must be "all" or "authorize"');
  }
  return { ok: true, config: structuredClone(input) };
}

/**
 * Holds the fault configuration and decides, per API request, which fault (if
 * any) it gets. The countdowns (`fail_next`, `fail_after_commit_next`) go down
 * as requests consume them; `current()` shows what is left.
 */
export class FaultInjector {
  readonly #random: () => number;
  #config: FaultConfig = {};
  #failNext = 0;
  #failAfterCommitNext = 0;

  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  replace(config: FaultConfig): void {
    this.#config = config;
    this.#failNext = config.fail_next ?? 0;
    this.#failAfterCommitNext = config.fail_after_commit_next ?? 0;
  }

  reset(): void {
    this.replace({});
  }

  current(): FaultConfig {
    const config = structuredClone(this.#config);
    return {
      ...config,
      ...(config.fail_next === undefined ? {} : { fail_next: this.#failNext }),
      ...(config.fail_after_commit_next === undefined ? {} : { fail_after_commit_next: this.#failAfterCommitNext }),
    };
  }

  plan(isAuthorize: boolean): FaultPlan {
    const config = this.#config;
    if ((config.scope ?? 'all') === 'authorize' && !isAuthorize) return { latencyMs: 0, action: { kind: 'none' } };
    const latencyMs = config.latency_ms ? this.#between(config.latency_ms.min, config.latency_ms.max) : 0;
    if (this.#failNext > 0) {
      this.#failNext -= 1;
      return { latencyMs, action: { kind: 'unavailable' } };
    }
    return { latencyMs, action: this.#roll() };
  }

  /** Whether this processed authorize request must lose its answer (consumes one of `fail_after_commit_next`). */
  takeFailAfterCommit(): boolean {
    if (this.#failAfterCommitNext <= 0) return false;
    this.#failAfterCommitNext -= 1;
    return true;
  }

  #roll(): FaultPlan['action'] {
    const config = this.#config;
    const roll = this.#random();
    let threshold = 0;
    for (const key of RATE_KEYS) {
      threshold += config[key] ?? 0;
      if (roll < threshold) {
        if (key === 'hang_rate') return { kind: 'hang' };
        if (key === 'reset_rate') return { kind: 'reset' };
        if (key === 'rate_limit_rate') return { kind: 'rate_limited', retryAfterS: config.retry_after_s ?? 1 };
        return { kind: 'unavailable' };
      }
    }
    return { kind: 'none' };
  }

  #between(min: number, max: number): number {
    return min + Math.floor(this.#random() * (max - min + 1));
  }
}

function invalid(message: string): ParsedFaultConfig {
  return { ok: false, message };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;
}
