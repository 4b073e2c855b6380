import { sql, type Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { Argon2PasswordHasher } from '../internal/adapter/crypto/argon2-password-hasher.ts';
import type { Database } from '../internal/adapter/postgres/database.ts';
import { PostgresUserSeeder } from '../internal/adapter/postgres/user-seeder.ts';

/** Large enough that a full run never runs a product out of stock. */
export const PRODUCT_STOCK = 1_000_000;
/** Every seeded user has this password (hashed once, argon2id with the service's parameters). */
export const PASSWORD = 'bench-password-not-secret';

const BATCH = 5_000;

export interface SeededData {
  readonly productIds: readonly string[];
  readonly adminEmail: string;
  /** Customers in random order; the first ones are logged in, more serve the login scenario. */
  readonly customers: readonly { readonly id: string; readonly email: string }[];
}

/**
 * Bulk inserts (unnest, one statement per batch), never the HTTP API: users
 * through the project's seeder, then one shared password hash; products with
 * a large stock; and the baselines' own tables.
 */
export async function seedBenchData(
  db: Kysely<Database>,
  counts: { readonly users: number; readonly products: number; readonly customersWanted: number },
  log: (line: string) => void,
): Promise<SeededData> {
  const users = await new PostgresUserSeeder(db).seed(counts.users, { adminsEvery: 50, batchSize: BATCH });
  log(`seeded ${users.inserted} users (${users.admins} admins) in ${seconds(users.elapsedMs)}`);

  let started = performance.now();
  const hash = await new Argon2PasswordHasher({ maxConcurrent: 1 }).hash(PASSWORD);
  await sql`UPDATE users SET password_hash = ${hash}`.execute(db);
  log(`set one argon2id password hash on every user in ${seconds(performance.now() - started)}`);

  started = performance.now();
  const productIds = await seedProducts(db, counts.products);
  log(`seeded ${productIds.length} products (stock ${PRODUCT_STOCK} each) in ${seconds(performance.now() - started)}`);

  started = performance.now();
  await seedBaselineTables(db, counts);
  await sql`ANALYZE`.execute(db);
  log(`seeded the baselines' tables and analyzed in ${seconds(performance.now() - started)}`);

  const admin = await sql<{ email: string }>`
    SELECT u.email FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'admin' ORDER BY u.id LIMIT 1`.execute(db);
  const adminEmail = admin.rows[0]?.email;
  if (!adminEmail) throw new Error('the seed made no admin');
  const customers = await sql<{ id: string; email: string }>`
    SELECT u.id, u.email FROM users u
    WHERE NOT EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'admin')
    ORDER BY random() LIMIT ${counts.customersWanted}`.execute(db);
  return { productIds, adminEmail, customers: customers.rows };
}

async function seedProducts(db: Kysely<Database>, count: number): Promise<string[]> {
  const all: string[] = [];
  for (let offset = 0; offset < count; offset += BATCH) {
    const size = Math.min(BATCH, count - offset);
    const ids: string[] = [];
    const skus: string[] = [];
    const names: string[] = [];
    const prices: number[] = [];
    for (let i = 0; i < size; i++) {
      const n = offset + i + 1;
      ids.push(uuidv7());
      skus.push(`BENCH-${n}`);
      names.push(`Bench product ${n}`);
      prices.push(100 + ((n * 7919) % 9_900));
    }
    await sql`
      INSERT INTO products (id, sku, name, description, price_amount, currency, stock)
      SELECT id, sku, name, 'A product of the benchmark data set.', price, 'EUR', ${PRODUCT_STOCK}
      FROM unnest(${ids}::uuid[], ${skus}::text[], ${names}::text[], ${prices}::bigint[]) AS t(id, sku, name, price)`.execute(db);
    all.push(...ids);
  }
  return all;
}

// The baselines read and write tables of their own, sized like the service's.
async function seedBaselineTables(db: Kysely<Database>, counts: { readonly users: number; readonly products: number }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`
      CREATE TABLE bench_baseline_users (
        id integer PRIMARY KEY, name text NOT NULL, email text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`.execute(trx);
    await sql`
      INSERT INTO bench_baseline_users (id, name, email)
      SELECT n, 'Baseline user ' || n, 'baseline-' || n || '@example.com' FROM generate_series(1, ${counts.users}::integer) AS n`.execute(trx);
    await sql`CREATE TABLE bench_baseline_stock (id integer PRIMARY KEY, stock integer NOT NULL CHECK (stock >= 0))`.execute(trx);
    await sql`INSERT INTO bench_baseline_stock (id, stock) SELECT n, ${PRODUCT_STOCK} FROM generate_series(1, ${counts.products}::integer) AS n`.execute(trx);
    await sql`
      CREATE TABLE bench_baseline_orders (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        product_id integer NOT NULL REFERENCES bench_baseline_stock (id),
        quantity integer NOT NULL CHECK (quantity > 0),
        created_at timestamptz NOT NULL DEFAULT now())`.execute(trx);
  });
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
