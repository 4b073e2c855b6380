import { StartupRefusal } from '../../internal/platform/lifecycle/startup-refusal.ts';
import { createLogger } from '../../internal/platform/logger/logger.ts';
import { refuseTakenPorts } from './port-preflight.ts';
import { parseCommandLine } from '../shared/command-setup.ts';
import { loadServiceConfigOrExit } from './settings-check.ts';
import { startService } from './service.ts';

const USAGE = `usage: npm start
  Starts the service: the embedded PostgreSQL when DATABASE_URL is empty, the migrations, the
  sandbox payment gateway when PAYMENT_GATEWAY_URL is empty, then the API on $PORT (default 8080).
  Every setting is an environment variable (\`npm run config\` prints them); Ctrl-C or SIGTERM stops it cleanly.`;
parseCommandLine(USAGE, {});
const { config } = loadServiceConfigOrExit();
const logger = createLogger({ level: config.log.level });

let stopping: (() => boolean) | undefined;
let rejectedWhileStopping = false;
process.on('unhandledRejection', (reason) => {
  // Exiting now would leave the embedded PostgreSQL running: let the shutdown finish, then exit 1.
  if (stopping?.()) {
    rejectedWhileStopping = true;
    logger.error({ err: reason }, 'unhandled promise rejection during shutdown; finishing the shutdown');
    return;
  }
  logger.fatal({ err: reason }, 'unhandled promise rejection');
  process.exit(1);
});

// What was sized from the container's limits (unless set explicitly), and why.
if (config.sizing) logger.info({ sizing: config.sizing }, 'concurrency sized from the container limits');

try {
  await refuseTakenPorts(config);
  const service = await startService(config, logger);
  stopping = () => service.shutdown.inProgress;
  service.shutdown.listen((clean) => {
    logger.info({ clean }, 'ordersvc stopped');
    process.exitCode = clean && !rejectedWhileStopping ? 0 : 1;
    // Everything is closed, so the loop should end by itself; if a stray
    // handle keeps it alive, do not hang the orchestrator.
    setTimeout(() => {
      logger.warn('handles still open after shutdown; exiting anyway');
      process.exit();
    }, 5_000).unref();
  });
  // Only now: a supervisor that sees this line may send signals and expect a clean stop.
  logger.info({ port: service.port, grpcPort: service.grpcPort, embeddedDatabase: service.embeddedDatabase }, 'ordersvc listening');
} catch (error) {
  if (error instanceof StartupRefusal) {
    // What to change, as it is: no stack trace to dig it out of.
    logger.fatal({ problem: error.message }, 'ordersvc cannot start');
    console.error(error.message);
  } else {
    logger.fatal({ err: error }, 'ordersvc failed to start');
  }
  process.exit(1);
}
