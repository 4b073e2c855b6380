import type pg from 'pg';
import { ConfigFileWatcher } from '../../internal/platform/config/config-file-watcher.ts';
import { ConfigReloader, type LiveSetting, type ReloadResult, type ReloadTrigger } from '../../internal/platform/config/config-reloader.ts';
import type { AppConfig } from '../../internal/platform/config/config.schema.ts';
import { loadConfig } from '../../internal/platform/config/load-config.ts';
import type { Logger } from '../../internal/platform/logger/logger.ts';
import type { ConfigReloadCounts } from '../../internal/platform/metrics/config-metrics.ts';
import type { Flags } from './flags.ts';

/** Settings reloaded without a restart, and the parts they reach once those exist. */
export interface ConfigReload {
  /** The configuration in force; the live settings are read from it at each use. */
  readonly current: AppConfig;
  /** The parts that take pushed values (pool size, flag defaults); built after this. */
  attach(parts: { readonly pool: pg.Pool; readonly flags: Pick<Flags, 'checkDefaults' | 'setDefaults'> }): void;
  /** SIGHUP, and CONFIG_FILE watched when it is set. */
  start(): Promise<void>;
  stop(): Promise<void>;
  reload(trigger: ReloadTrigger): ReloadResult;
  /** For `/health/status`. */
  status(): Record<string, unknown>;
  /** For the metrics. */
  counts(): ConfigReloadCounts;
}

/**
 * Hot configuration: on SIGHUP or a change of CONFIG_FILE the configuration is
 * read and validated again (environment, then the file over it). The log
 * level, rate limits, CORS origins, flag defaults, slow-query threshold and
 * pool size change at once; anything else is logged and reported in
 * `/health/status` as needing a restart. A bad file changes nothing.
 */
export function createConfigReload(config: AppConfig, logger: Logger, env: NodeJS.ProcessEnv): ConfigReload {
  const log = logger.child({ component: 'config' });
  let pool: pg.Pool | undefined;
  let flags: Pick<Flags, 'checkDefaults' | 'setDefaults'> | undefined;
  const live: LiveSetting[] = [
    // Child loggers inherit the level from their parent unless given their own, so this reaches them too.
    {
      path: 'log.level',
      apply: (next) => {
        logger.level = next.log.level;
      },
    },
    // Read per request or per statement from `current`: nothing to push.
    { path: 'rateLimit.apiPerWindow' },
    { path: 'rateLimit.authPerWindow' },
    { path: 'http.corsOrigins' },
    { path: 'database.slowQueryMs' },
    {
      path: 'flags.defaults',
      check: (next) => flags?.checkDefaults(next.flags.defaults),
      apply: (next) => flags?.setDefaults(next.flags.defaults),
    },
    // node-postgres reads `max` whenever it decides to open a connection: a larger pool grows at
    // once, a smaller one stops opening connections until it is under the new size.
    {
      path: 'database.poolMax',
      apply: (next) => {
        if (pool) (pool.options as { max: number }).max = next.database.poolMax;
      },
    },
  ];
  const source = config.configFile.path === '' ? 'environment' : `CONFIG_FILE ${config.configFile.path}`;
  const reloader = new ConfigReloader({ initial: config, load: () => loadConfig(env).config, live, source, onResult: (result) => report(log, result) });
  const watcher =
    config.configFile.path !== '' && config.configFile.watch
      ? new ConfigFileWatcher({
          path: config.configFile.path,
          pollIntervalMs: config.configFile.pollIntervalMs,
          onChange: () => reloader.reload('file'),
          onError: (error) => log.warn({ error: error.message, file: config.configFile.path }, 'the configuration file cannot be watched or read'),
        })
      : undefined;
  const onSignal = () => {
    reloader.reload('signal');
  };

  return {
    get current() {
      return reloader.current;
    },
    attach(parts) {
      pool = parts.pool;
      flags = parts.flags;
    },
    async start() {
      process.on('SIGHUP', onSignal);
      await watcher?.start();
      log.info({ source, watching: watcher !== undefined }, 'configuration reloads on SIGHUP' + (watcher ? ' and when the file changes' : ''));
    },
    async stop() {
      process.off('SIGHUP', onSignal);
      await watcher?.stop();
    },
    reload: (trigger) => reloader.reload(trigger),
    status() {
      const status = reloader.status();
      const brief = (result: ReloadResult | undefined) =>
        result && { outcome: result.outcome, trigger: result.trigger, at: result.at, applied: result.applied, ...(result.error ? { error: result.error } : {}) };
      return {
        source: status.source,
        reloads: status.reloads,
        last: brief(status.last) ?? null,
        last_applied: brief(status.lastApplied) ?? null,
        last_rejected: brief(status.lastRejected) ?? null,
        restart_required: status.restartRequired,
        live_settings: status.liveSettings,
      };
    },
    counts() {
      const status = reloader.status();
      const ms = (result: ReloadResult | undefined) => (result ? Date.parse(result.at) : undefined);
      return { reloads: status.reloads, lastAppliedAtMs: ms(status.lastApplied), lastRejectedAtMs: ms(status.lastRejected), restartRequired: status.restartRequired.length };
    },
  };
}

function report(log: Logger, result: ReloadResult): void {
  const fields = { trigger: result.trigger, applied: result.applied, restartRequired: result.restartRequired };
  if (result.outcome === 'rejected') log.error({ trigger: result.trigger, reason: result.error }, 'configuration reload refused; the running configuration is unchanged');
  else if (result.outcome === 'applied') log.info(fields, 'configuration reloaded');
  else log.info(fields, 'configuration reloaded; no live setting changed');
  if (result.outcome !== 'rejected' && result.restartRequired.length > 0) log.warn({ settings: result.restartRequired }, 'changed settings take effect only after a restart');
}
