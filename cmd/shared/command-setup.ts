import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
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

/** Prints why the command line is wrong, with the usage, and exits 2. */
export function failUsage(usage: string, message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/** Strict flags (no positionals); `--help`/`-h` prints the usage and exits 0; anything wrong exits 2. */
export function parseCommandLine<T extends ParseArgsOptionsConfig>(usage: string, options: T) {
  return parseCommandWords(usage, options, { positionals: false }).values;
}

/**
 * Strict flags and, when allowed, positional words; `--help`/`-h` prints the usage
 * and exits 0 (before any configuration is read); an unknown flag exits 2 with the usage.
 */
export function parseCommandWords<T extends ParseArgsOptionsConfig>(usage: string, options: T, settings: { positionals: boolean }) {
  const config = { options: { ...options, ...HELP }, allowPositionals: settings.positionals, strict: true } as const;
  let parsed: ReturnType<typeof parseArgs<typeof config>>;
  try {
    parsed = parseArgs(config);
  } catch (error) {
    if (process.argv.slice(2).some((word) => word === '--help' || word === '-h')) printUsageAndExit(usage);
    failUsage(usage, (error as Error).message);
  }
  if ((parsed.values as { help?: boolean }).help) printUsageAndExit(usage);
  return parsed;
}

function printUsageAndExit(usage: string): never {
  console.log(usage);
  process.exit(0);
}
