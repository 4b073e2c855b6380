import { commandSetup, failUsage, parseCommandLine } from '../shared/command-setup.ts';
import { MAX_SEED_BATCH, MAX_SEED_USERS, PostgresUserSeeder } from '../../internal/adapter/postgres/user-seeder.ts';
import { openDatabase } from '../shared/database.ts';

const USAGE = `usage: npm run seed -- --users N [--admins-every K] [--batch N]
  --users N         users to create, 1..${MAX_SEED_USERS} (required)
  --admins-every K  every Kth user also gets the admin role (default 50, 0 = none)
  --batch N         users per INSERT and transaction, 1..${MAX_SEED_BATCH} (default 5000)`;

function fail(message: string): never {
  failUsage(USAGE, message);
}

function wholeNumber(flag: string, raw: string | undefined, fallback: number | undefined, min: number, max: number): number {
  if (raw === undefined) {
    if (fallback === undefined) fail(`${flag} is required`);
    return fallback;
  }
  const value = /^\d+$/.test(raw.replaceAll('_', '')) ? Number(raw.replaceAll('_', '')) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) fail(`${flag} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

const values = parseCommandLine(USAGE, {
  users: { type: 'string' },
  'admins-every': { type: 'string' },
  batch: { type: 'string' },
} as const);
const users = wholeNumber('--users', values.users, undefined, 1, MAX_SEED_USERS);
const adminsEvery = wholeNumber('--admins-every', values['admins-every'], 50, 0, Number.MAX_SAFE_INTEGER);
const batchSize = wholeNumber('--batch', values.batch, 5000, 1, MAX_SEED_BATCH);

const { config, logger } = commandSetup();

// Ctrl-C stops after the batch in flight (each batch is one transaction), then
// the pool and an embedded server shut down cleanly.
const abort = new AbortController();
const stop = () => abort.abort(new Error('interrupted'));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

const database = await openDatabase(config, logger);
try {
  const seeder = new PostgresUserSeeder(database.db);
  const width = String(users).length;
  const result = await seeder.seed(users, { adminsEvery, batchSize, signal: abort.signal }, (progress) => {
    const seconds = progress.elapsedMs / 1000;
    const percent = ((progress.inserted / progress.total) * 100).toFixed(1).padStart(5);
    console.log(
      `seeded ${String(progress.inserted).padStart(width)}/${progress.total} users (${percent}%)  ${seconds.toFixed(2)} s  ${Math.round(progress.inserted / seconds)} rows/s`,
    );
  });
  const seconds = result.elapsedMs / 1000;
  console.log(
    `done: ${result.inserted} users (${result.admins} admins) in ${seconds.toFixed(2)} s, ${Math.round(result.inserted / seconds)} rows/s [run ${result.runId}, ${database.embedded ? 'embedded PostgreSQL' : 'DATABASE_URL'}]`,
  );
} catch (error) {
  if (abort.signal.aborted) {
    console.error('seeding interrupted; batches already committed stay in the database');
    process.exitCode = 130;
  } else {
    console.error(String(error), (error as Error).cause ?? '');
    if ((error as { code?: string }).code === '42P01') console.error('the tables are missing: run `npm run migrate -- up` first');
    process.exitCode = 1;
  }
} finally {
  await database.shutdown();
}
