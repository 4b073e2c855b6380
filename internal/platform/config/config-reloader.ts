import { isDeepStrictEqual } from 'node:util';
import type { AppConfig } from './config.schema.ts';
import { configSchema } from './config.schema.ts';

/** A setting that may change while the service runs, by its path in `AppConfig` (`rateLimit.apiPerWindow`). */
export interface LiveSetting {
  readonly path: string;
  /** Throws when the new configuration's value cannot be applied (checked before anything changes). */
  readonly check?: (next: AppConfig) => void;
  /** Pushes the new value where it is not read from `current` at each use; must not throw. */
  readonly apply?: (next: AppConfig) => void;
}

export type ReloadTrigger = 'signal' | 'file' | 'manual';
export type ReloadOutcome = 'applied' | 'unchanged' | 'rejected';

export interface ReloadResult {
  readonly outcome: ReloadOutcome;
  readonly trigger: ReloadTrigger;
  readonly at: string;
  /** Settings (environment names) that now have their new value. */
  readonly applied: readonly string[];
  /** Settings changed in the source that take effect only after a restart. */
  readonly restartRequired: readonly string[];
  /** Why a rejected reload was refused. */
  readonly error?: string;
}

export interface ReloadStatus {
  readonly source: string;
  readonly reloads: Readonly<Record<ReloadOutcome, number>>;
  readonly last: ReloadResult | undefined;
  readonly lastApplied: ReloadResult | undefined;
  readonly lastRejected: ReloadResult | undefined;
  /** Every setting whose configured value differs from the running one until a restart. */
  readonly restartRequired: readonly string[];
  readonly liveSettings: readonly string[];
}

export interface ConfigReloaderOptions {
  readonly initial: AppConfig;
  /** Reads and validates the configuration again (throws with the reason when it is bad). */
  readonly load: () => AppConfig;
  readonly live: readonly LiveSetting[];
  /** Where the settings come from, for the status (`CONFIG_FILE /etc/ordersvc/config.env`). */
  readonly source: string;
  readonly onResult?: (result: ReloadResult) => void;
}

/**
 * Applies a changed configuration without a restart: the new one is read and
 * validated in full first, every live setting's own check runs, and only then
 * do the live settings change (all or none). Settings that cannot change live
 * keep their running value and are reported as needing a restart.
 */
export class ConfigReloader {
  readonly #options: ConfigReloaderOptions;
  readonly #live: ReadonlyMap<string, LiveSetting>;
  readonly #envNames = envNamesByPath(configSchema);
  readonly #running: AppConfig;
  #current: AppConfig;
  #restartRequired: readonly string[] = [];
  readonly #reloads: Record<ReloadOutcome, number> = { applied: 0, unchanged: 0, rejected: 0 };
  #last: ReloadResult | undefined;
  #lastApplied: ReloadResult | undefined;
  #lastRejected: ReloadResult | undefined;

  constructor(options: ConfigReloaderOptions) {
    this.#options = options;
    this.#live = new Map(options.live.map((setting) => [setting.path, setting]));
    this.#running = options.initial;
    this.#current = options.initial;
  }

  /** The configuration in force: the start values, with the live settings as last reloaded. */
  get current(): AppConfig {
    return this.#current;
  }

  reload(trigger: ReloadTrigger): ReloadResult {
    const result = this.#reload(trigger);
    this.#reloads[result.outcome] += 1;
    this.#last = result;
    if (result.outcome === 'applied') this.#lastApplied = result;
    if (result.outcome === 'rejected') this.#lastRejected = result;
    this.#options.onResult?.(result);
    return result;
  }

  status(): ReloadStatus {
    return {
      source: this.#options.source,
      reloads: { ...this.#reloads },
      last: this.#last,
      lastApplied: this.#lastApplied,
      lastRejected: this.#lastRejected,
      restartRequired: this.#restartRequired,
      liveSettings: [...this.#live.keys()].map((path) => this.#envName(path)),
    };
  }

  #reload(trigger: ReloadTrigger): ReloadResult {
    const at = new Date().toISOString();
    let next: AppConfig;
    try {
      next = this.#options.load();
    } catch (error) {
      return { outcome: 'rejected', trigger, at, applied: [], restartRequired: this.#restartRequired, error: messageOf(error) };
    }
    const changedLive = changedPaths(this.#current, next).filter((path) => this.#live.has(path));
    const restartRequired = changedPaths(this.#running, next)
      .filter((path) => !this.#live.has(path))
      .map((path) => this.#envName(path));
    try {
      for (const path of changedLive) this.#live.get(path)?.check?.(next);
    } catch (error) {
      return { outcome: 'rejected', trigger, at, applied: [], restartRequired: this.#restartRequired, error: messageOf(error) };
    }
    let updated: AppConfig = this.#current;
    for (const path of changedLive) updated = withValueAt(updated, path, valueAt(next, path));
    this.#current = updated;
    this.#restartRequired = restartRequired;
    for (const path of changedLive) this.#live.get(path)?.apply?.(updated);
    const applied = changedLive.map((path) => this.#envName(path));
    return { outcome: applied.length > 0 ? 'applied' : 'unchanged', trigger, at, applied, restartRequired };
  }

  #envName(path: string): string {
    return this.#envNames.get(path) ?? path;
  }
}

/** The leaf paths (`http.corsOrigins`) whose values differ. */
function changedPaths(before: AppConfig, after: AppConfig): string[] {
  return leafPaths(after).filter((path) => !isDeepStrictEqual(valueAt(before, path), valueAt(after, path)));
}

function leafPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, nested]) => leafPaths(nested, prefix ? `${prefix}.${key}` : key));
}

function valueAt(config: AppConfig, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], config);
}

// Copies along the path only: the rest of the configuration stays shared (and frozen in spirit).
function withValueAt(config: AppConfig, path: string, value: unknown): AppConfig {
  const set = (node: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> => {
    const [key, ...rest] = keys;
    if (key === undefined) return node;
    return { ...node, [key]: rest.length === 0 ? value : set(node[key] as Record<string, unknown>, rest) };
  };
  return set(config as unknown as Record<string, unknown>, path.split('.')) as unknown as AppConfig;
}

function envNamesByPath(schema: object, prefix = ''): Map<string, string> {
  const names = new Map<string, string>();
  for (const [key, node] of Object.entries(schema) as [string, unknown][]) {
    if (typeof node !== 'object' || node === null) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    if ('doc' in node) {
      const { env } = node as { env?: unknown };
      if (typeof env === 'string') names.set(path, env);
    } else {
      for (const [nested, env] of envNamesByPath(node, path)) names.set(nested, env);
    }
  }
  return names;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
