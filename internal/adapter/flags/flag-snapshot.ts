import { variantFor, type Flag, type RolloutVariant } from '../../domain/flags/flag.ts';
import type { FlagDefinition } from '../../domain/flags/flag-catalog.ts';
import type { FlagRegistry, FlagStore, StoredFlag } from '../../domain/flags/flag-store.ts';
import type { Context, ContextLogger } from '../../domain/shared/context.ts';
import { rolloutBucket } from './rollout-bucket.ts';

export interface FlagSnapshotOptions {
  /** The flags the service knows, with their defaults (from config). */
  readonly definitions: readonly FlagDefinition[];
  readonly store: FlagStore;
  /** Budget of one read of the store. */
  readonly readTimeoutMs: number;
  readonly log: ContextLogger;
}

/**
 * Every flag as it applies now, in memory: evaluation never waits on the
 * database. `refresh` re-reads the store (on a change notification, after
 * the listener reconnects, and periodically as a net); a failed read keeps
 * the last snapshot. Settings only move forward: a read that started before
 * a newer version was applied cannot put the older one back.
 */
export class FlagSnapshot implements FlagRegistry {
  readonly #options: FlagSnapshotOptions;
  #definitions: ReadonlyMap<string, FlagDefinition>;
  readonly #listeners = new Set<() => void>();
  #flags: ReadonlyMap<string, Flag>;
  #running: Promise<void> | undefined;
  #again = false;
  #loaded = false;

  constructor(options: FlagSnapshotOptions) {
    this.#options = options;
    this.#definitions = new Map(options.definitions.map((definition) => [definition.key, definition]));
    this.#flags = new Map(options.definitions.map((definition) => [definition.key, defaultFlag(definition)]));
  }

  /** True once a read of the store succeeded (before, the defaults apply). */
  get loaded(): boolean {
    return this.#loaded;
  }

  get(key: string): Flag | undefined {
    return this.#flags.get(key);
  }

  all(): Flag[] {
    return [...this.#flags.values()].sort((a, b) => a.key.localeCompare(b.key));
  }

  /** Off for a flag the service does not know. */
  variant(key: string, subject?: string): RolloutVariant {
    const flag = this.#flags.get(key);
    if (!flag) return 'off';
    return variantFor(flag, subject === undefined ? undefined : rolloutBucket(key, subject));
  }

  isOn(key: string, subject?: string): boolean {
    return this.variant(key, subject) === 'cohort';
  }

  /** Called after every change of the snapshot; must not throw. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Takes a setting this process just stored, without waiting for the notification. */
  apply(stored: StoredFlag): void {
    this.#merge([stored]);
  }

  /** New defaults (a config reload): flags without a stored setting take theirs at once; stored settings stay. */
  setDefaults(definitions: readonly FlagDefinition[]): void {
    this.#definitions = new Map(definitions.map((definition) => [definition.key, definition]));
    const next = new Map(this.#flags);
    let changed = false;
    for (const definition of definitions) {
      const current = next.get(definition.key);
      if (current && current.version > 0) continue;
      const fresh = defaultFlag(definition);
      if (current && current.enabled === fresh.enabled && current.rolloutPercent === fresh.rolloutPercent) continue;
      next.set(definition.key, fresh);
      changed = true;
    }
    if (!changed) return;
    this.#flags = next;
    this.#notify();
  }

  /** Reads the store again; concurrent calls share one read, and a call during a read gets one more. */
  refresh(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    const running = (async () => {
      try {
        do {
          this.#again = false;
          await this.#load();
        } while (this.#again);
      } finally {
        this.#running = undefined;
      }
    })();
    this.#running = running;
    return running;
  }

  async #load(): Promise<void> {
    const ctx: Context = { traceId: 'flags-refresh', signal: AbortSignal.timeout(this.#options.readTimeoutMs), log: this.#options.log };
    let stored: StoredFlag[];
    try {
      stored = await this.#options.store.list(ctx);
    } catch (error) {
      this.#options.log.warn({ error: error instanceof Error ? error.message : String(error) }, 'feature flags could not be read; the last known settings stay');
      return;
    }
    this.#loaded = true;
    this.#merge(stored);
  }

  #merge(stored: readonly StoredFlag[]): void {
    const next = new Map(this.#flags);
    let changed = false;
    for (const setting of stored) {
      const definition = this.#definitions.get(setting.key);
      const current = next.get(setting.key);
      // A stored key the service no longer knows is ignored; older versions never replace newer ones.
      if (!definition || (current && current.version >= setting.version)) continue;
      next.set(setting.key, {
        key: setting.key,
        description: definition.description,
        enabled: setting.enabled,
        rolloutPercent: setting.rolloutPercent,
        version: setting.version,
        updatedBy: setting.updatedBy,
        updatedAt: setting.updatedAt,
      });
      changed = true;
    }
    if (!changed) return;
    this.#flags = next;
    this.#notify();
  }

  #notify(): void {
    for (const listener of this.#listeners) {
      try {
        listener();
      } catch (error) {
        this.#options.log.error({ error: error instanceof Error ? error.message : String(error) }, 'a feature flag listener failed');
      }
    }
  }
}

function defaultFlag(definition: FlagDefinition): Flag {
  return { key: definition.key, description: definition.description, ...definition.default, version: 0, updatedBy: undefined, updatedAt: undefined };
}
