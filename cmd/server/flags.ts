import pg from 'pg';
import { FlagSnapshot } from '../../internal/adapter/flags/flag-snapshot.ts';
import { OpenFeatureFeatureFlags } from '../../internal/adapter/flags/open-feature-flags.ts';
import { PgNotificationListener } from '../../internal/adapter/postgres/activity/pg-notification-listener.ts';
import type { DatabaseHandle } from '../../internal/adapter/postgres/database.ts';
import { FLAGS_CHANNEL, PostgresFlagStore } from '../../internal/adapter/postgres/postgres-flag-store.ts';
import { ChooseReleaseChannel } from '../../internal/app/flags/choose-release-channel.use-case.ts';
import { GetFlag } from '../../internal/app/flags/get-flag.use-case.ts';
import { ListFlags } from '../../internal/app/flags/list-flags.use-case.ts';
import { SetFlag } from '../../internal/app/flags/set-flag.use-case.ts';
import type { FeatureFlags } from '../../internal/domain/flags/feature-flags.ts';
import { CACHE_BYPASS, flagCatalog, jobsPausedFlag, type FlagDefinition } from '../../internal/domain/flags/flag-catalog.ts';
import { checkFlagSetting } from '../../internal/domain/flags/flag.ts';
import { isReleaseChannel, type ReleaseChannel } from '../../internal/domain/flags/release-channel.ts';
import { ROLES, type Role } from '../../internal/domain/user/user.ts';
import type { AppConfig } from '../../internal/platform/config/config.schema.ts';
import type { Logger } from '../../internal/platform/logger/logger.ts';
import type { FlagUseCases } from '../../internal/transport/http/flags/flags.routes.ts';
import type { ReleaseChannelSettings } from '../../internal/transport/http/flags/release-channel.ts';
import { JOB_TYPES } from './jobs.ts';

export interface Flags {
  /** True while reads must skip the caches (`cache.bypass`); cheap, read per request. */
  readonly cacheBypassed: () => boolean;
  /** FLAGS_DEFAULTS of a reload: throws with the reason when it is bad. */
  readonly checkDefaults: (json: string) => void;
  /** Applies new FLAGS_DEFAULTS to the flags with no stored setting. */
  readonly setDefaults: (json: string) => void;
  /** Loads the flags, listens for changes and binds the OpenFeature provider. Call once, before serving. */
  start(): Promise<StartedFlags>;
}

export interface StartedFlags {
  readonly flags: FeatureFlags;
  readonly useCases: FlagUseCases;
  readonly release: ReleaseChannelSettings;
  /** Keeps each queue's workers paused while its `jobs.<queue>.paused` flag is on. */
  pauseQueues(jobs: { readonly queueNames: readonly string[]; setPaused(queue: string, paused: boolean): Promise<void> }): void;
  stop(): Promise<void>;
}

/**
 * Feature flags: defaults from config, settings in PostgreSQL, an in-process
 * snapshot every evaluation reads. A change is NOTIFYed in the transaction
 * that stores it; each replica's listener reloads the snapshot on it (and
 * after reconnecting, when notifications may have been lost), and a periodic
 * refresh is the net under both.
 */
export function createFlags(config: AppConfig, logger: Logger, database: DatabaseHandle): Flags {
  const log = logger.child({ component: 'flags' });
  const catalog = flagCatalog(JOB_TYPES.map((jobType) => jobType.type));
  const definitions = withConfiguredDefaults(catalog, config.flags.defaults);
  const store = new PostgresFlagStore(database.db);
  const snapshot = new FlagSnapshot({ definitions, store, readTimeoutMs: config.database.statementTimeoutMs, log });
  const release = releaseSettings(config);
  return {
    cacheBypassed: () => snapshot.isOn(CACHE_BYPASS),
    checkDefaults: (json) => void withConfiguredDefaults(catalog, json),
    setDefaults: (json) => snapshot.setDefaults(withConfiguredDefaults(catalog, json)),
    async start() {
      const { connectionString } = database.pool.options;
      const listener = new PgNotificationListener({
        name: 'flag notifications',
        newClient: () =>
          new pg.Client({
            connectionString,
            application_name: 'ordersvc-flags',
            keepAlive: true,
            connectionTimeoutMillis: config.database.connectionTimeoutMs,
            query_timeout: config.database.statementTimeoutMs,
          }),
        channel: FLAGS_CHANNEL,
        onNotification: () => void snapshot.refresh(),
        onListening: () => void snapshot.refresh(),
        backoff: { baseMs: 200, capMs: 5_000 },
        pingIntervalMs: 30_000,
        log,
      });
      // Without the database the defaults apply until the listener gets through and resyncs.
      await snapshot.refresh();
      await listener.start();
      const timer = setInterval(() => void snapshot.refresh(), config.flags.refreshIntervalMs);
      timer.unref();
      const flags = await OpenFeatureFeatureFlags.open(snapshot);
      const unsubscribers: (() => void)[] = [];
      return {
        flags,
        release: { header: release.header, choose: new ChooseReleaseChannel(flags, release) },
        useCases: { listFlags: new ListFlags(snapshot), getFlag: new GetFlag(snapshot), setFlag: new SetFlag(store, snapshot) },
        pauseQueues(jobs) {
          const apply = () => {
            for (const queue of jobs.queueNames) void jobs.setPaused(queue, snapshot.isOn(jobsPausedFlag(queue)));
          };
          unsubscribers.push(snapshot.onChange(apply));
          apply();
        },
        async stop() {
          clearInterval(timer);
          for (const unsubscribe of unsubscribers) unsubscribe();
          await listener.stop();
          await flags.close();
        },
      };
    },
  };
}

/** `flags.defaults` over the catalogue's; a key the service does not know, or a bad setting, stops the boot. */
export function withConfiguredDefaults(definitions: readonly FlagDefinition[], json: string): FlagDefinition[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error('FLAGS_DEFAULTS: not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('FLAGS_DEFAULTS: must be a JSON object keyed by flag');
  const known = new Map(definitions.map((definition) => [definition.key, definition]));
  const overrides = new Map<string, FlagDefinition['default']>();
  for (const [key, value] of Object.entries(parsed)) {
    if (!known.has(key)) throw new Error(`FLAGS_DEFAULTS: there is no flag ${key} (flags: ${[...known.keys()].join(', ')})`);
    const { enabled, rollout_percent: percent } = (value ?? {}) as { enabled?: unknown; rollout_percent?: unknown };
    try {
      overrides.set(key, checkFlagSetting({ enabled: enabled as boolean, rolloutPercent: percent === null || percent === undefined ? undefined : (percent as number) }));
    } catch {
      throw new Error(`FLAGS_DEFAULTS: ${key} must be {"enabled": true|false, "rollout_percent": null or 0-100}`);
    }
  }
  return definitions.map((definition) => ({ ...definition, default: overrides.get(definition.key) ?? definition.default }));
}

/** The release-channel settings, checked: a bad one stops the boot (and `npm run config`). */
export function releaseSettings(config: AppConfig): { header: string; choosable: ReleaseChannel[]; chooserRoles: Role[] } {
  const header = config.release.header.trim();
  if (!/^[A-Za-z0-9-]+$/.test(header)) throw new Error(`RELEASE_CHANNEL_HEADER: "${header}" is not a header name`);
  const choosable = splitList(config.release.choosableChannels).map((value) => {
    if (!isReleaseChannel(value)) throw new Error(`RELEASE_CHANNEL_VALUES: "${value}" is not a channel (stable, canary)`);
    return value;
  });
  const chooserRoles = splitList(config.release.chooserRoles).map((value) => {
    if (!(ROLES as readonly string[]).includes(value)) throw new Error(`RELEASE_CHANNEL_CHOOSER_ROLES: "${value}" is not a role`);
    return value as Role;
  });
  return { header, choosable, chooserRoles };
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}
