import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { testContext } from '../../test/support/test-context.ts';
import { InMemorySignInThrottle, NO_THROTTLE } from '../../test/doubles/in-memory-sign-in-throttle.ts';
import { Argon2PasswordHasher } from '../../internal/adapter/crypto/argon2-password-hasher.ts';
import { PostgresCredentialsRepository } from '../../internal/adapter/postgres/postgres-credentials-repository.ts';
import { PostgresSessionStore } from '../../internal/adapter/postgres/postgres-session-store.ts';
import { PostgresUserRepository } from '../../internal/adapter/postgres/postgres-user-repository.ts';
import { Authenticate } from '../../internal/app/auth/authenticate.use-case.ts';
import { CreateAdmin } from '../../internal/app/auth/create-admin.use-case.ts';
import { Login } from '../../internal/app/auth/login.use-case.ts';
import { Register } from '../../internal/app/auth/register.use-case.ts';
import { sessionLifetime } from '../../internal/domain/identity/session.ts';
import { PROJECT_ROOT } from '../shared/project-paths.ts';

const ctx = testContext();
const lifetime = sessionLifetime(60_000, 600_000);
let database: TestDatabase;
let folder: string;
let createAdmin: CreateAdmin;
let login: Login;
let authenticate: Authenticate;
let register: Register;

beforeAll(async () => {
  database = await createTestDatabase();
  folder = await mkdtemp(join(tmpdir(), 'create-admin-'));
  const users = new PostgresUserRepository(database.db);
  const credentials = new PostgresCredentialsRepository(database.db);
  const sessions = new PostgresSessionStore(database.db, { idleTtlMs: lifetime.idleTtlMs });
  const hasher = new Argon2PasswordHasher();
  createAdmin = new CreateAdmin(users, credentials, hasher, sessions, uuidv7);
  login = new Login(credentials, users, hasher, sessions, new InMemorySignInThrottle(NO_THROTTLE), lifetime);
  authenticate = new Authenticate(sessions);
  register = new Register(credentials, hasher, uuidv7);
});

afterAll(async () => {
  await database?.drop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

async function runCommand(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'cmd/create-admin/main.ts'), ...args], {
    env: { PATH: process.env.PATH, DATABASE_URL: database.url, LOG_LEVEL: 'warn', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

async function passwordFile(content: string): Promise<string> {
  const path = join(folder, `password-${uuidv7()}`);
  await writeFile(path, content, { mode: 0o600 });
  return path;
}

describe('CreateAdmin against PostgreSQL', () => {
  it('when run for a new email, then an admin exists who can log in; run again, nothing changes and the session stays', async () => {
    const input = { email: 'root@example.com', password: 'the root passphrase', name: 'Root' };

    const first = await createAdmin.execute(ctx, input);
    const session = await login.execute(ctx, { email: input.email, password: input.password });
    const again = await createAdmin.execute(ctx, input);

    expect(first).toMatchObject({ outcome: 'created', user: { email: 'root@example.com', name: 'Root', roles: ['admin'] } });
    expect(again).toEqual({ outcome: 'unchanged', user: first.user });
    expect(await authenticate.execute(ctx, session.token)).toMatchObject({ userId: first.user.id, roles: ['admin'] });
  });

  it('when run for a registered customer, then they become admin with the new password and their sessions end', async () => {
    const customer = await register.execute(ctx, { name: 'Ada', email: 'ada@example.com', password: 'ada original passphrase' });
    const old = await login.execute(ctx, { email: 'ada@example.com', password: 'ada original passphrase' });

    const result = await createAdmin.execute(ctx, { email: 'ADA@example.com', password: 'ada admin passphrase', name: 'Ignored' });

    expect(result).toMatchObject({ outcome: 'updated', user: { id: customer.id, name: 'Ada', roles: ['admin', 'customer'], version: 2 } });
    await expect(authenticate.execute(ctx, old.token)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    expect((await login.execute(ctx, { email: 'ada@example.com', password: 'ada admin passphrase' })).user.roles).toEqual(['admin', 'customer']);
  });

  it('when two bootstraps race for one email, then one creates the admin and the other finds it', async () => {
    const input = { email: 'race@example.com', password: 'the race passphrase', name: 'Admin' };

    const outcomes = await Promise.all([createAdmin.execute(ctx, input), createAdmin.execute(ctx, input)]);

    expect(outcomes.map((result) => result.outcome).sort()).toEqual(['created', 'unchanged']);
    expect(outcomes[0].user.id).toBe(outcomes[1].user.id);
  });
});

describe('npm run create-admin', () => {
  it('when run with an email and a password file, then the admin is created with the password minus the trailing newline', async () => {
    const file = await passwordFile('a passphrase from a file\n');

    const run = await runCommand(['--email', 'ops@example.com', '--password-file', file, '--name', 'Ops Team']);

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^created the admin ops@example\.com \([0-9a-f-]{36}\)\n$/);
    const session = await login.execute(ctx, { email: 'ops@example.com', password: 'a passphrase from a file' });
    expect(session.user).toMatchObject({ name: 'Ops Team', roles: ['admin'] });
  });

  it.each([
    ['no arguments', []],
    ['no password file', ['--email', 'x@example.com']],
    ['an unknown option', ['--email', 'x@example.com', '--password-file', '/dev/null', '--admin']],
    ['a password file that does not exist', ['--email', 'x@example.com', '--password-file', '/nonexistent/password']],
  ])('when given %s, then it exits with 2 and prints the usage', async (_, args) => {
    const run = await runCommand(args);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage: npm run create-admin');
  });

  it('when the password breaks the policy, then it exits with 2 naming the problem and creates nothing', async () => {
    const file = await passwordFile('short\n');

    const run = await runCommand(['--email', 'weak@example.com', '--password-file', file]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--password: must be 12 to 128 characters');
    const rows = await database.db.selectFrom('users').select('id').where('email', '=', 'weak@example.com').execute();
    expect(rows).toEqual([]);
  });
});
