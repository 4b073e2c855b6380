import { loadConfigOrExit } from '../shared/command-setup.ts';

// Prints the effective configuration (environment applied, secrets masked).
console.log(loadConfigOrExit().describe());
