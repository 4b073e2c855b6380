import type { MetricsRegistry } from './metrics-registry.ts';

/** What the configuration reloader counted (its `status()`). */
export interface ConfigReloadCounts {
  readonly reloads: Readonly<Record<'applied' | 'unchanged' | 'rejected', number>>;
  /** When the last reload that changed something happened (ms since the epoch), if one did. */
  readonly lastAppliedAtMs: number | undefined;
  readonly lastRejectedAtMs: number | undefined;
  /** Settings changed in the source that wait for a restart. */
  readonly restartRequired: number;
}

/** Configuration reloads (SIGHUP, CONFIG_FILE changes), read at scrape time. */
export class ConfigMetrics {
  #source: (() => ConfigReloadCounts) | undefined;

  constructor(metrics: MetricsRegistry) {
    metrics.readCounter('config_reloads_total', 'Configuration reloads, by outcome: applied (live settings changed), unchanged, rejected (invalid; nothing changed).', ['outcome'], () =>
      this.#source ? Object.entries(this.#source().reloads).map(([outcome, count]) => [{ outcome }, count] as const) : [],
    );
    metrics.readGauge('config_last_reload_timestamp_seconds', 'When the last applied or rejected reload happened (Unix time).', ['outcome'], () => {
      const counts = this.#source?.();
      const at = (outcome: string, ms: number | undefined) => (ms === undefined ? [] : [[{ outcome }, ms / 1000] as const]);
      return counts ? [...at('applied', counts.lastAppliedAtMs), ...at('rejected', counts.lastRejectedAtMs)] : [];
    });
    metrics.readGauge('config_restart_required_settings', 'Settings changed in the configuration that take effect only after a restart.', [], () =>
      this.#source ? [[{}, this.#source().restartRequired] as const] : [],
    );
  }

  watch(source: () => ConfigReloadCounts): void {
    this.#source = source;
  }
}
