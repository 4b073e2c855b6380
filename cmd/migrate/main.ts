import { commandSetup, failUsage, parseCommandWords } from '../shared/command-setup.ts';
import { openDatabase } from '../shared/database.ts';

const USAGE = `usage: npm run migrate -- up | down | status
  up      applies every pending migration (migrations/*.up.sql, in name order)
  down    reverts the last applied migration
  status  lists the migrations, applied or pending
Uses DATABASE_URL, or the embedded PostgreSQL when it is empty.`;
const { positionals } = parseCommandWords(USAGE, {}, { positionals: true });
const command = positionals[0];
if (positionals.length !== 1 || (command !== 'up' && command !== 'down' && command !== 'status')) {
  failUsage(USAGE, positionals.length === 0 ? 'say what to do: up, down or status' : `unknown command "${positionals.join(' ')}"`);
}

const { config, logger } = commandSetup();
const database = await openDatabase(config, logger, { autoMigrate: false });
try {
  if (command === 'status') {
    for (const migration of await database.migrator.status()) {
      console.log(`${migration.appliedAt ? `applied ${migration.appliedAt.toISOString()}` : 'pending                         '}  ${migration.name}`);
    }
  } else {
    const names = command === 'up' ? await database.migrator.up() : await database.migrator.down();
    console.log(names.length === 0 ? 'nothing to do' : names.map((name) => `${command === 'up' ? 'applied' : 'reverted'} ${name}`).join('\n'));
  }
} catch (error) {
  console.error(String(error), (error as Error).cause ?? '');
  process.exitCode = 1;
} finally {
  await database.shutdown();
}
