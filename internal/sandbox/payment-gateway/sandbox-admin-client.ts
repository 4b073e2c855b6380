import type { StatusCounts } from './authorization-store.ts';
import type { FaultConfig } from './faults.ts';

export interface SandboxStats {
  /** `/v1` requests received, faulted ones included. */
  readonly requests: number;
  /** Authorizations created (replays not counted). */
  readonly authorizations: number;
  readonly by_status: StatusCounts;
}

/** The sandbox's control plane (`/admin`), for tests and benchmarks that switch faults or read stats. */
export class PaymentSandboxAdmin {
  readonly #baseUrl: string;

  constructor(baseUrl: string) {
    this.#baseUrl = baseUrl.replace(/\/+$/, '');
  }

  /** Replaces the whole fault configuration; returns it as the sandbox stored it. */
  setFaults(config: FaultConfig): Promise<FaultConfig> {
    return this.#call('PUT', '/admin/faults', config);
  }

  faults(): Promise<FaultConfig> {
    return this.#call('GET', '/admin/faults');
  }

  async clearFaults(): Promise<void> {
    await this.#call('DELETE', '/admin/faults');
  }

  stats(): Promise<SandboxStats> {
    return this.#call('GET', '/admin/stats');
  }

  /** Forgets every authorization, counter and fault. */
  async reset(): Promise<void> {
    await this.#call('POST', '/admin/reset');
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.#baseUrl}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`payment sandbox ${method} ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }
}
