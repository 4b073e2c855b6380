import { commandSetup } from '../shared/command-setup.ts';
import { openDatabase } from '../shared/database.ts';

const USAGE = 'usage: npm run migrate -- up | down | status';
const command = process.argv[2];
if (command !== 'up' && command !== 'down' && command !== 'status') {
  console.error(USAGE);
  process.exit(2);
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
