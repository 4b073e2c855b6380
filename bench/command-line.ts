import { UsageError } from './options.ts';

/** A log line prefixed with the tool's name and the seconds since it started. */
export function timedLog(tool: string): (line: string) => void {
  const started = performance.now();
  return (line) => console.log(`[${tool} ${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
}

/** The parsed options; `--help` prints the usage and exits 0, a usage error prints it and exits 2. */
export function optionsOrExit<T>(parse: () => { readonly help: true } | { readonly help: false; readonly options: T }, usage: string): T {
  try {
    const parsed = parse();
    if (parsed.help) {
      console.log(usage);
      process.exit(0);
    }
    return parsed.options;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n${usage}`);
    process.exit(2);
  }
}
