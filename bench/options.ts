import { strictFlags, UsageError, wholeNumber } from './arguments.ts';
import { SCENARIOS, type ScenarioName } from './catalog.ts';

/** What one `npm run bench` run does; `--quick` only changes the defaults. */
export interface BenchOptions {
  readonly quick: boolean;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  readonly connections: number;
  readonly users: number;
  readonly products: number;
  /** Written into the report, e.g. "taken while other work ran on the machine". */
  readonly note: string | undefined;
  /** Only these scenarios (and their baselines); such a partial run prints its table and writes no report. */
  readonly only: readonly ScenarioName[] | undefined;
}

export const USAGE = `usage: npm run bench -- [--quick] [--duration S] [--warmup S] [--connections N] [--users N] [--products N] [--note TEXT] [--only A,B]
  --quick          small data set and short runs (under two minutes), for local use
  --duration S     seconds measured per scenario and baseline (default 20, quick 4)
  --warmup S       seconds of discarded load before each measurement (default 10, quick 1)
  --connections N  concurrent connections of the load generator (default 64)
  --users N        users seeded (default 100000, quick 10000)
  --products N     products seeded, each with a large stock (default 10000, quick 1000)
  --note TEXT      a remark written into docs/benchmarks.md (e.g. what else ran on the machine)
  --only A,B       only these scenarios and their baselines, for trying a change; prints the table, writes no report
                   (${SCENARIOS.map((scenario) => scenario.name).join(', ')})`;

const FULL = { warmupSeconds: 10, durationSeconds: 20, users: 100_000, products: 10_000 };
const QUICK = { warmupSeconds: 1, durationSeconds: 4, users: 10_000, products: 1_000 };

export type ParsedCommandLine = { readonly help: true } | { readonly help: false; readonly options: BenchOptions };

/** Strict: unknown flags, positionals and out-of-range numbers throw `UsageError`. */
export function parseBenchArgs(args: readonly string[]): ParsedCommandLine {
  const values = strictFlags(args, {
    quick: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    users: { type: 'string' },
    products: { type: 'string' },
    note: { type: 'string' },
    only: { type: 'string' },
  });
  if (values.help) return { help: true };
  const quick = values.quick ?? false;
  const defaults = quick ? QUICK : FULL;
  return {
    help: false,
    options: {
      quick,
      warmupSeconds: wholeNumber('--warmup', values.warmup, defaults.warmupSeconds, 0, 600),
      durationSeconds: wholeNumber('--duration', values.duration, defaults.durationSeconds, 1, 3_600),
      connections: wholeNumber('--connections', values.connections, 64, 1, 10_000),
      users: wholeNumber('--users', values.users, defaults.users, 100, 10_000_000),
      products: wholeNumber('--products', values.products, defaults.products, 10, 1_000_000),
      note: values.note?.trim() || undefined,
      only: values.only === undefined ? undefined : scenarioList(values.only),
    },
  };
}

function scenarioList(raw: string): ScenarioName[] {
  const known = new Set<string>(SCENARIOS.map((scenario) => scenario.name));
  const names = raw.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !known.has(name));
  if (names.length === 0 || unknown.length > 0) throw new UsageError(`--only takes scenario names (${[...known].join(', ')}), got "${raw}"`);
  return names as ScenarioName[];
}

