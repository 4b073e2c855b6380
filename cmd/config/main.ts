import { ConfigError, loadConfig } from '../../internal/platform/config/load-config.ts';

// Prints the effective configuration (environment applied, secrets masked).
try {
  console.log(loadConfig().describe());
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(2);
}
