import { strictFlags, UsageError, wholeNumber } from './arguments.ts';

/** What one `npm run bench` run does; `--quick` only changes the defaults. */
export interface BenchOptions {
  readonly quick: boolean;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  readonly connections: number;
  readonly users: number;
  readonly products: number;
  /** The table curves grow users and products to these many rows at the end of the run. */
  readonly usersMax: number;
  readonly productsMax: number;
  /** Rounds: every round runs the baselines, then the scenarios; medians and spreads are reported. */
  readonly repeat: number;
  readonly curves: boolean;
  readonly profiles: boolean;
  /** No gRPC scenarios and no bare gRPC baseline. */
  readonly skipGrpc: boolean;
  /** The service runs without NATS (in-process publisher); no event figures, no JetStream baseline. */
  readonly skipEvents: boolean;
  /** Written into the report, e.g. "taken while other work ran on the machine". */
  readonly note: string | undefined;
  /** Only these scenarios and curves (and their baselines); such a partial run prints its report and writes no file. */
  readonly only: readonly string[] | undefined;
}

/** The names `--only` accepts. */
export interface KnownNames {
  readonly scenarios: readonly string[];
  readonly curves: readonly string[];
}

export function benchUsage(known: KnownNames): string {
  return `usage: npm run bench -- [--quick] [--repeat N] [--duration S] [--warmup S] [--connections N] [--users N] [--products N]
                           [--users-max N] [--products-max N] [--skip-curves] [--skip-profiles] [--skip-grpc] [--skip-events]
                           [--note TEXT] [--only A,B]
  --quick           short runs, for local use
  --repeat N        rounds alternating baselines and scenarios; medians and spread are reported (default 1)
  --duration S      seconds measured per scenario and baseline (default 20, quick 4)
  --warmup S        seconds of discarded load before each measurement (default 10, quick 1)
  --connections N   concurrent connections of the load generator (default 64)
  --users N         users seeded (default 10000)
  --products N      products seeded, each with a large stock (default 1000)
  --users-max N     rows the users-table curve grows the table to (default 1000000; seeded in SQL, about 12 s)
  --products-max N  rows the products-table curve grows the table to (default 100000)
  --skip-curves     no cost curves
  --skip-profiles   no CPU profile of the scenarios
  --skip-grpc       no gRPC scenarios and no bare gRPC baseline
  --skip-events     the service relays no events to NATS; no event figures and no JetStream baseline
  --note TEXT       a remark written into docs/benchmarks.md (e.g. what else ran on the machine)
  --only A,B        only these scenarios or curves and their baselines, for trying a change; prints the report, writes no file
                    scenarios: ${known.scenarios.join(', ')}
                    curves: ${known.curves.join(', ')}`;
}

const FULL = { warmupSeconds: 10, durationSeconds: 20, usersMax: 1_000_000, productsMax: 100_000 };
const QUICK = { warmupSeconds: 1, durationSeconds: 4, usersMax: 1_000_000, productsMax: 100_000 };

export type ParsedCommandLine = { readonly help: true } | { readonly help: false; readonly options: BenchOptions };

/** Strict: unknown flags, positionals and out-of-range numbers throw `UsageError`. */
export function parseBenchArgs(args: readonly string[], known: KnownNames): ParsedCommandLine {
  const values = strictFlags(args, {
    quick: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
    repeat: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    users: { type: 'string' },
    products: { type: 'string' },
    'users-max': { type: 'string' },
    'products-max': { type: 'string' },
    'skip-curves': { type: 'boolean' },
    'skip-profiles': { type: 'boolean' },
    'skip-grpc': { type: 'boolean' },
    'skip-events': { type: 'boolean' },
    note: { type: 'string' },
    only: { type: 'string' },
  });
  if (values.help) return { help: true };
  const quick = values.quick ?? false;
  const defaults = quick ? QUICK : FULL;
  const users = wholeNumber('--users', values.users, 10_000, 100, 10_000_000);
  const products = wholeNumber('--products', values.products, 1_000, 60, 1_000_000);
  return {
    help: false,
    options: {
      quick,
      warmupSeconds: wholeNumber('--warmup', values.warmup, defaults.warmupSeconds, 0, 600),
      durationSeconds: wholeNumber('--duration', values.duration, defaults.durationSeconds, 1, 3_600),
      connections: wholeNumber('--connections', values.connections, 64, 1, 10_000),
      users,
      products,
      usersMax: wholeNumber('--users-max', values['users-max'], Math.max(users, defaults.usersMax), users, 10_000_000),
      productsMax: wholeNumber('--products-max', values['products-max'], Math.max(products, defaults.productsMax), products, 10_000_000),
      repeat: wholeNumber('--repeat', values.repeat, 1, 1, 9),
      curves: !(values['skip-curves'] ?? false),
      profiles: !(values['skip-profiles'] ?? false),
      skipGrpc: values['skip-grpc'] ?? false,
      skipEvents: values['skip-events'] ?? false,
      note: values.note?.trim() || undefined,
      only: values.only === undefined ? undefined : nameList(values.only, known),
    },
  };
}

function nameList(raw: string, known: KnownNames): string[] {
  const all = new Set([...known.scenarios, ...known.curves]);
  const names = raw.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !all.has(name));
  if (names.length === 0 || unknown.length > 0) throw new UsageError(`--only takes scenario or curve names (${[...all].join(', ')}), got "${raw}"`);
  return names;
}
