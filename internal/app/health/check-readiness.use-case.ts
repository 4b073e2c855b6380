import type { DependencyProbe } from '../../domain/health/dependency-probe.ts';

export interface DependencyState {
  readonly status: 'up' | 'down';
  readonly latencyMs: number;
  readonly error?: string;
}

export interface Readiness {
  readonly status: 'ready' | 'not_ready' | 'shutting_down';
  readonly checks: Record<string, DependencyState>;
}

/**
 * Probes every dependency concurrently, each within the same short timeout.
 * Only critical ones decide readiness; the others are reported (degraded).
 */
export class CheckReadiness {
  readonly #probes: readonly DependencyProbe[];
  readonly #timeoutMs: number;
  readonly #isShuttingDown: () => boolean;
  readonly #onChecked: (ready: boolean) => void;

  /** `onChecked` sees every answer (the readiness metrics count its changes). */
  constructor(probes: readonly DependencyProbe[], timeoutMs: number, isShuttingDown: () => boolean, onChecked: (ready: boolean) => void = () => undefined) {
    this.#probes = probes;
    this.#timeoutMs = timeoutMs;
    this.#isShuttingDown = isShuttingDown;
    this.#onChecked = onChecked;
  }

  async execute(): Promise<Readiness> {
    if (this.#isShuttingDown()) {
      this.#onChecked(false);
      return { status: 'shutting_down', checks: {} };
    }
    const states = await Promise.all(this.#probes.map((probe) => this.#probe(probe)));
    const checks = Object.fromEntries(this.#probes.map((probe, i) => [probe.name, states[i] as DependencyState]));
    const ready = this.#probes.every((probe, i) => !probe.critical || states[i]?.status === 'up');
    this.#onChecked(ready);
    return { status: ready ? 'ready' : 'not_ready', checks };
  }

  async #probe(probe: DependencyProbe): Promise<DependencyState> {
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
    try {
      await probe.check(AbortSignal.timeout(this.#timeoutMs));
      return { status: 'up', latencyMs: elapsed() };
    } catch (error) {
      const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${this.#timeoutMs} ms` : describe(error);
      return { status: 'down', latencyMs: elapsed(), error: reason };
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
