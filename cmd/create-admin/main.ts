import { commandSetup, failUsage, parseCommandLine } from '../shared/command-setup.ts';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { v7 as uuidv7 } from 'uuid';
import { Argon2PasswordHasher } from '../../internal/adapter/crypto/argon2-password-hasher.ts';
import { PostgresCredentialsRepository } from '../../internal/adapter/postgres/postgres-credentials-repository.ts';
import { PostgresUserRepository } from '../../internal/adapter/postgres/postgres-user-repository.ts';
import { CreateAdmin } from '../../internal/app/auth/create-admin.use-case.ts';
import { ValidationError } from '../../internal/domain/shared/domain-error.ts';
import { openDatabase } from '../shared/database.ts';
import { openRedis } from '../shared/redis.ts';
import { createSessionStore, sessionStoreSettings } from '../shared/session-store.ts';

const USAGE = `usage: npm run create-admin -- --email EMAIL --password-file PATH [--name NAME]
  --email EMAIL         the admin's email; an existing user with it becomes an admin
  --password-file PATH  a file holding the password (one trailing newline is ignored)
  --name NAME           the name of a newly created admin (default "Admin")
Creates the admin, or promotes the user and sets the password, ending their sessions.
Running it again with the same email and password changes nothing.`;

function fail(message: string): never {
  failUsage(USAGE, message);
}

const values = parseCommandLine(USAGE, {
  email: { type: 'string' },
  'password-file': { type: 'string' },
  name: { type: 'string', default: 'Admin' },
} as const);
if (!values.email) fail('--email is required');
if (!values['password-file']) fail('--password-file is required');

// A file, not an argument: arguments show up in `ps` and in shell history.
let password: string;
try {
  password = (await readFile(values['password-file'], 'utf8')).replace(/\r?\n$/, '');
} catch (error) {
  fail(`cannot read the password file: ${(error as Error).message}`);
}

const { config, logger } = commandSetup();

const abort = new AbortController();
const stop = () => abort.abort(new Error('interrupted'));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

const database = await openDatabase(config, logger);
// The same session store as the server's (same settings), so the sessions ended here are the ones it checks.
const redis = await openRedis(config, logger);
try {
  const users = new PostgresUserRepository(database.db);
  const sessions = createSessionStore(sessionStoreSettings(config), database.db, redis);
  const createAdmin = new CreateAdmin(users, new PostgresCredentialsRepository(database.db), new Argon2PasswordHasher(), sessions, uuidv7);
  const ctx = { traceId: randomBytes(16).toString('hex'), signal: abort.signal, log: logger };

  const { user, outcome } = await createAdmin.execute(ctx, { email: values.email, password, name: values.name });
  const who = `${user.email} (${user.id})`;
  const report = {
    created: `created the admin ${who}`,
    updated: `${who} is now an admin with the given password; their sessions were ended`,
    unchanged: `${who} is already an admin with this password; nothing changed`,
  };
  console.log(report[outcome]);
} catch (error) {
  if (error instanceof ValidationError) {
    console.error(`${error.message}:\n${error.issues.map((issue) => `  --${issue.field}: ${issue.message}`).join('\n')}`);
    process.exitCode = 2;
  } else {
    console.error(String(error), (error as Error).cause ?? '');
    if ((error as { code?: string }).code === '42P01' || (error as { code?: string }).code === '42703') {
      console.error('the schema is not up to date: run `npm run migrate -- up` first');
    }
    process.exitCode = 1;
  }
} finally {
  redis?.disconnect();
  await database.shutdown();
}
