import { parseCommandLine } from '../shared/command-setup.ts';
import { loadServiceConfigOrExit } from '../server/settings-check.ts';

const USAGE = `usage: npm run config
  Prints the effective configuration (environment applied, secrets shown as [redacted])
  after the same validation \`npm start\` runs: exits 2 with the reason when the service would refuse it.
  Every setting is an environment variable: see the README's Configuration section.`;
parseCommandLine(USAGE, {});
console.log(loadServiceConfigOrExit().describe());
