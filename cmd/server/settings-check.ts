import type { AppConfig } from '../../internal/platform/config/config.schema.ts';
import type { LoadedConfig } from '../../internal/platform/config/load-config.ts';
import { flagCatalog } from '../../internal/domain/flags/flag-catalog.ts';
import { loadConfigOrExit } from '../shared/command-setup.ts';
import { checkDiagnosticsSettings } from './diagnostics.ts';
import { releaseSettings, withConfiguredDefaults } from './flags.ts';
import { concurrencyByQueue, JOB_TYPES } from './jobs.ts';

/**
 * Every rule the service applies to its settings before it starts, beyond the
 * schema's one-by-one checks: `npm start` and `npm run config` both run these,
 * so the config command never accepts what the service would refuse.
 */
const CHECKS: readonly ((config: AppConfig) => void)[] = [
  (config) => {
    const { bootstrapAdminEmail: email, bootstrapAdminPassword: password } = config.auth;
    if ((email === '') !== (password === '')) throw new Error('ADMIN_BOOTSTRAP_EMAIL and ADMIN_BOOTSTRAP_PASSWORD go together: set both or neither');
  },
  (config) => checkDiagnosticsSettings(config),
  (config) => withConfiguredDefaults(flagCatalog(JOB_TYPES.map((jobType) => jobType.type)), config.flags.defaults),
  (config) => releaseSettings(config),
  (config) => concurrencyByQueue(config),
];

/** What is wrong with the settings, one readable line each; empty when the service would start with them. */
function serviceSettingsProblems(config: AppConfig): string[] {
  return CHECKS.flatMap((check) => {
    try {
      check(config);
      return [];
    } catch (error) {
      return [(error as Error).message];
    }
  });
}

/** The configuration the service would start with, or exit 2 with every reason it would refuse it. */
export function loadServiceConfigOrExit(): LoadedConfig {
  const loaded = loadConfigOrExit();
  const problems = serviceSettingsProblems(loaded.config);
  if (problems.length > 0) {
    console.error(`invalid configuration:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    process.exit(2);
  }
  return loaded;
}
