import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql, type Kysely, type QueryExecutorProvider } from 'kysely';
import type { Database } from './database.ts';
import { Migrator, NO_MIGRATIONS, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely/migration';

const FILE_NAME = /^(\d{4}_[a-z0-9_]+)\.(up|down)\.sql$/;

/**
 * Reads `NNNN_name.up.sql` / `NNNN_name.down.sql` pairs; a migration without
 * its down step is refused, so every change can be rolled back.
 */
class SqlFileMigrationProvider implements MigrationProvider {
  readonly #folder: string;

  constructor(folder: string) {
    this.#folder = folder;
  }

  async getMigrations(): Promise<Record<string, Migration>> {
    const pairs = new Map<string, { up?: string; down?: string }>();
    for (const file of await readdir(this.#folder)) {
      const match = FILE_NAME.exec(file);
      if (!match) continue;
      const [, name, direction] = match as unknown as [string, string, 'up' | 'down'];
      const pair = pairs.get(name) ?? {};
      pair[direction] = await readFile(join(this.#folder, file), 'utf8');
      pairs.set(name, pair);
    }
    const migrations: Record<string, Migration> = {};
    for (const [name, { up, down }] of pairs) {
      if (up === undefined || down === undefined) throw new Error(`migration ${name} needs both an up and a down file`);
      migrations[name] = { up: (db) => runScript(db, up), down: (db) => runScript(db, down) };
    }
    return migrations;
  }
}

// A script without parameters goes through the simple query protocol, so one
// file may hold several statements; kysely runs each migration in a transaction.
async function runScript(db: QueryExecutorProvider, script: string): Promise<void> {
  await sql.raw(script).execute(db);
}

export interface MigrationStatus {
  readonly name: string;
  readonly appliedAt: Date | undefined;
}

export class SqlMigrator {
  readonly #migrator: Migrator;

  constructor(db: Kysely<Database>, folder: string) {
    this.#migrator = new Migrator({ db, provider: new SqlFileMigrationProvider(folder) });
  }

  /** Applies every pending migration; returns the names applied. */
  async up(): Promise<string[]> {
    return applied(await this.#migrator.migrateToLatest());
  }

  /** Applies the next pending migration only. */
  async upOne(): Promise<string[]> {
    return applied(await this.#migrator.migrateUp());
  }

  /** Reverts the latest applied migration; returns its name, if any. */
  async down(): Promise<string[]> {
    return applied(await this.#migrator.migrateDown());
  }

  /** Reverts every migration. */
  async reset(): Promise<string[]> {
    return applied(await this.#migrator.migrateTo(NO_MIGRATIONS));
  }

  async status(): Promise<MigrationStatus[]> {
    const infos = await this.#migrator.getMigrations();
    return infos.map((info) => ({ name: info.name, appliedAt: info.executedAt }));
  }
}

function applied(result: MigrationResultSet): string[] {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? '(none)'} failed`, { cause: result.error });
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
