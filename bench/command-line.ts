import type { Cleanup } from './cleanup.ts';
import { UsageError } from './arguments.ts';
import type { ProcessGroup } from './processes.ts';

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

/** What a tool run owns: its cleanup steps, its child processes, and a way to stop its load at once. */
export interface ToolParts {
  readonly cleanup: Cleanup;
  readonly processes: ProcessGroup;
  readonly stopLoad: () => void;
}

/**
 * Runs `body` so that nothing it starts outlives it: the cleanup steps run at
 * the end, on failure and on the first Ctrl-C/SIGTERM (a second one kills the
 * children at once). Exit code 1 on failure or when `body` answers false,
 * 130 when interrupted.
 */
export async function runTool(tool: string, log: (line: string) => void, parts: ToolParts, body: () => Promise<boolean | void>): Promise<void> {
  const runCleanup = () => parts.cleanup.run((name, error) => console.error(`cleanup "${name}" failed: ${String(error)}`));
  process.on('exit', () => parts.processes.killAllNow());
  let interrupted = false;
  const interrupt = (signal: NodeJS.Signals) => {
    if (interrupted) {
      parts.processes.killAllNow();
      process.exit(130);
    }
    interrupted = true;
    log(`${signal}: stopping and cleaning up (again to force)`);
    parts.stopLoad();
    void runCleanup().finally(() => {
      log('cleaned up after the interruption');
      process.exit(130);
    });
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  try {
    if ((await body()) === false) process.exitCode = 1;
  } catch (error) {
    if (!interrupted) {
      console.error(`${tool} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exitCode = 1;
    }
  } finally {
    if (!interrupted) {
      log('cleaning up');
      await runCleanup();
      log('done');
    }
  }
}
