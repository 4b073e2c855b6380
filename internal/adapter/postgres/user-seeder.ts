import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from './database.ts';

/**
 * Bulk-creates realistic users for benchmarks and local play: one multi-row
 * `INSERT ... SELECT FROM unnest(...)` per table and batch, each batch in its
 * own transaction, so a large run commits as it goes and an interrupted run
 * leaves only whole batches behind.
 */

const FIRST_NAMES = [
  'Olivia', 'Liam', 'Amara', 'Mateo', 'Sofia', 'Noah', 'Aisha', 'Hiroshi', 'Yuki', 'Chen',
  'Mei', 'Arjun', 'Priya', 'Kwame', 'Ngozi', 'Fatima', 'Omar', 'Leila', 'Dmitri', 'Anastasia',
  'Lars', 'Ingrid', 'José', 'Lucía', 'Santiago', 'Camila', 'Tariq', 'Zainab', 'Kofi', 'Abena',
  'Emma', 'Lucas', 'Chloé', 'Hugo', 'Giulia', 'Marco', 'Ananya', 'Ravi', 'Seo-yeon', 'Min-jun',
  'Thanh', 'Linh', 'Kai', 'Leilani', 'Aroha', 'Tane', 'Zoë', 'Elijah', 'Nadia', 'Ibrahim',
] as const;

const LAST_NAMES = [
  'Smith', 'Johnson', 'Garcia', 'Martínez', 'Rodríguez', 'Nguyen', 'Tran', 'Kim', 'Park', 'Lee',
  'Wang', 'Li', 'Zhang', 'Chen', 'Tanaka', 'Sato', 'Suzuki', 'Patel', 'Sharma', 'Singh',
  'Okafor', 'Mensah', 'Adeyemi', 'Diallo', 'Haddad', 'Khan', 'Hussein', 'Cohen', 'Levi', 'Müller',
  'Schmidt', 'Novak', 'Kowalski', 'Ivanova', 'Petrov', 'Johansson', 'Nielsen', 'Rossi', 'Bianchi', 'Dubois',
  'Lefèvre', 'Silva', 'Santos', 'Oliveira', 'Fernández', "O'Brien", 'Murphy', 'Walker', 'Te Rangi', 'Kealoha',
] as const;

const DOMAINS = ['example.com', 'example.org', 'example.net'] as const;

/** ASCII, lowercase, letters and digits only: "Lefèvre" -> "lefevre", "O'Brien" -> "obrien". */
function slug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

const FIRST = FIRST_NAMES.map((name) => ({ name, slug: slug(name) }));
const LAST = LAST_NAMES.map((name) => ({ name, slug: slug(name) }));

function pick<T>(list: readonly T[]): T {
  return list[Math.floor(Math.random() * list.length)] as T;
}

export interface SeedOptions {
  /** Every Kth user (by position in the run, 1-based) also gets `admin`; 0 makes none. */
  readonly adminsEvery: number;
  /** Users per batch (= per transaction and per INSERT). */
  readonly batchSize: number;
  /** Goes into every email, so re-runs never collide; random when omitted. */
  readonly runId?: string;
  /** Stops between batches; batches already committed stay. */
  readonly signal?: AbortSignal;
}

export interface SeedProgress {
  readonly inserted: number;
  readonly total: number;
  readonly admins: number;
  readonly elapsedMs: number;
}

export interface SeedResult extends SeedProgress {
  readonly runId: string;
}

export const MAX_SEED_USERS = 10_000_000;
export const MAX_SEED_BATCH = 100_000;

export class PostgresUserSeeder {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async seed(count: number, options: SeedOptions, onProgress?: (progress: SeedProgress) => void): Promise<SeedResult> {
    checkWholeNumber('count', count, 1, MAX_SEED_USERS);
    checkWholeNumber('batchSize', options.batchSize, 1, MAX_SEED_BATCH);
    checkWholeNumber('adminsEvery', options.adminsEvery, 0, Number.MAX_SAFE_INTEGER);
    const runId = options.runId ?? randomBytes(5).toString('hex');
    if (!/^[a-z0-9]{1,20}$/.test(runId)) throw new RangeError('runId must be 1-20 lowercase letters or digits');

    const started = performance.now();
    let inserted = 0;
    let admins = 0;
    while (inserted < count) {
      options.signal?.throwIfAborted();
      const size = Math.min(options.batchSize, count - inserted);
      const batch = buildBatch(inserted, size, runId, options.adminsEvery);
      await this.#db.transaction().execute(async (trx) => {
        await sql`
          INSERT INTO users (id, name, email)
          SELECT * FROM unnest(${batch.ids}::uuid[], ${batch.names}::text[], ${batch.emails}::text[])`.execute(trx);
        await sql`
          INSERT INTO user_roles (user_id, role)
          SELECT * FROM unnest(${batch.roleUserIds}::uuid[], ${batch.roles}::text[])`.execute(trx);
      });
      inserted += size;
      admins += batch.admins;
      onProgress?.({ inserted, total: count, admins, elapsedMs: performance.now() - started });
    }
    return { inserted, total: count, admins, elapsedMs: performance.now() - started, runId };
  }
}

interface Batch {
  readonly ids: string[];
  readonly names: string[];
  readonly emails: string[];
  readonly roleUserIds: string[];
  readonly roles: string[];
  readonly admins: number;
}

// `offset` is how many users this run has already made. Emails end in
// `<runId>-<sequence in base 36>`: unique within the run by the sequence,
// across runs by the random run id (the hyphen keeps the two apart).
function buildBatch(offset: number, size: number, runId: string, adminsEvery: number): Batch {
  const ids: string[] = [];
  const names: string[] = [];
  const emails: string[] = [];
  const roleUserIds: string[] = [];
  const roles: string[] = [];
  let admins = 0;
  for (let i = 0; i < size; i++) {
    const ordinal = offset + i + 1;
    const id = uuidv7();
    const first = pick(FIRST);
    const last = pick(LAST);
    ids.push(id);
    names.push(`${first.name} ${last.name}`);
    emails.push(`${first.slug}.${last.slug}.${runId}-${ordinal.toString(36)}@${pick(DOMAINS)}`);
    roleUserIds.push(id);
    roles.push('customer');
    if (adminsEvery > 0 && ordinal % adminsEvery === 0) {
      roleUserIds.push(id);
      roles.push('admin');
      admins++;
    }
  }
  return { ids, names, emails, roleUserIds, roles, admins };
}

function checkWholeNumber(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a whole number from ${min} to ${max}, got ${value}`);
  }
}
