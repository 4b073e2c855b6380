import { strictFlags, UsageError, wholeNumber } from './arguments.ts';

/** What one `npm run soak` run does. */
export interface SoakOptions {
  readonly durationSeconds: number;
  /** Samples before this are shown but not judged: caches, pools and JIT settle first. */
  readonly warmupSeconds: number;
  readonly intervalSeconds: number;
  readonly connections: number;
  /** Requests per second over all connections; 0 = as fast as the service answers. */
  readonly rate: number;
  /** The heap-after-GC trend may grow at most this many percent of its mean over the judged window. */
  readonly maxGrowthPercent: number;
  readonly outDir: string;
  readonly users: number;
  readonly products: number;
}

export const SOAK_USAGE = `usage: npm run soak -- [--minutes M | --seconds S] [--interval S] [--warmup S] [--connections N] [--rate R] [--max-growth P] [--out DIR]
  --minutes M       how long the load runs (default 10)
  --seconds S       the same in seconds, for short local runs (overrides --minutes)
  --interval S      seconds between samples of heap, RSS, handles and event-loop delay (default 5)
  --warmup S        seconds not judged at the start (default a fifth of the run, at most 120)
  --connections N   concurrent connections of the load (default 16)
  --rate R          requests per second over all connections, 0 for unthrottled (default 300)
  --max-growth P    fail when the heap-after-GC trend grows more than P percent of its mean over the judged window (default 10)
  --out DIR         where soak.csv and soak.svg go (default docs/soak)
  --users N         users seeded (default 10000)
  --products N      products seeded (default 1000)`;

export type ParsedSoakCommandLine = { readonly help: true } | { readonly help: false; readonly options: SoakOptions };

/** Strict: unknown flags, positionals and out-of-range numbers throw `UsageError`. */
export function parseSoakArgs(args: readonly string[], defaultOutDir: string): ParsedSoakCommandLine {
  const values = strictFlags(args, {
    help: { type: 'boolean', short: 'h' },
    minutes: { type: 'string' },
    seconds: { type: 'string' },
    interval: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    rate: { type: 'string' },
    'max-growth': { type: 'string' },
    out: { type: 'string' },
    users: { type: 'string' },
    products: { type: 'string' },
  });
  if (values.help) return { help: true };
  const durationSeconds =
    values.seconds !== undefined ? wholeNumber('--seconds', values.seconds, 0, 10, 86_400) : wholeNumber('--minutes', values.minutes, 10, 1, 1_440) * 60;
  const intervalSeconds = wholeNumber('--interval', values.interval, 5, 1, 600);
  const warmupSeconds = wholeNumber('--warmup', values.warmup, Math.min(120, Math.round(durationSeconds / 5)), 0, durationSeconds);
  if (durationSeconds - warmupSeconds < intervalSeconds * 3) {
    throw new UsageError(`the run leaves ${durationSeconds - warmupSeconds} s after the warm-up: at least three samples (${intervalSeconds * 3} s) are needed to judge a trend`);
  }
  const maxGrowth = Number(values['max-growth'] ?? 10);
  if (!Number.isFinite(maxGrowth) || maxGrowth <= 0 || maxGrowth > 1_000) throw new UsageError(`--max-growth must be a percentage above 0, got "${values['max-growth']}"`);
  return {
    help: false,
    options: {
      durationSeconds,
      warmupSeconds,
      intervalSeconds,
      connections: wholeNumber('--connections', values.connections, 16, 1, 1_000),
      rate: wholeNumber('--rate', values.rate, 300, 0, 1_000_000),
      maxGrowthPercent: maxGrowth,
      outDir: values.out?.trim() || defaultOutDir,
      users: wholeNumber('--users', values.users, 10_000, 100, 10_000_000),
      products: wholeNumber('--products', values.products, 1_000, 10, 1_000_000),
    },
  };
}

