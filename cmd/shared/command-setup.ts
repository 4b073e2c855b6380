import type { AppConfig } from '../../internal/platform/config/config.schema.ts';
import { ConfigError, loadConfig, type LoadedConfig } from '../../internal/platform/config/load-config.ts';
import { createLogger, type Logger } from '../../internal/platform/logger/logger.ts';

/** The configuration, or exit 2 with the reason: a command line has nobody to log to. */
export function loadConfigOrExit(): LoadedConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
}

/** Config and a logger for a one-shot command: its own output is the point, so info logs stay quiet. */
export function commandSetup(): { config: AppConfig; logger: Logger } {
  const { config } = loadConfigOrExit();
  return { config, logger: createLogger({ level: config.log.level === 'info' ? 'warn' : config.log.level }) };
}
